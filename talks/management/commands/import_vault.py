"""``manage.py import_vault PATH…``: import Knowledge Vault files (or folders of them) atomically."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from talks.importers.knowledge_vault import ImportProblem, Metadata
from talks.importers.writer import STATUS_TEXT, build_previews, import_documents, load_file
from vault import languages


def bundled_corpus() -> Path:
    return Path(settings.BASE_DIR) / "data" / "corpus"


def bundled_translations() -> Path:
    """The curators' translations of the corpus (``data/translations``, with its own manifest)."""
    return Path(settings.BASE_DIR) / "data" / "translations"


class Command(BaseCommand):
    help = (
        "Import Knowledge Vault text files. Every file is parsed before anything is written, and all "
        "files are written in one transaction: a malformed file writes nothing. Re-importing an "
        "unchanged file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="*",
            type=Path,
            help="Files or folders of .txt files (default: the bundled corpus in data/corpus).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Parse and preview; write nothing."
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object per file.")
        parser.add_argument(
            "--talk", default="", help="Slug of the talk an ad-hoc (headerless) file belongs to."
        )
        parser.add_argument(
            "--lang", default="", choices=("", *languages.codes()), help="Language of the file(s)."
        )
        parser.add_argument(
            "--title", default="", help="Title, for a new talk whose file has no header."
        )
        parser.add_argument(
            "--kind",
            default="",
            choices=("", "invited_talk", "talk", "interview", "discussion"),
            help="Kind of document.",
        )

    def handle(self, *args, **opts):
        files = self._collect(opts["paths"] or [bundled_corpus()])
        overrides = Metadata(
            slug=opts["talk"], lang=opts["lang"], title=opts["title"], kind=opts["kind"]
        )
        docs, problems = [], []
        for path in files:
            try:
                docs.append(load_file(path, overrides))
            except ImportProblem as problem:
                problems.append(problem)
        if problems:
            self._report_problems(problems, opts["json"])
            raise CommandError(
                f"{len(problems)} file(s) could not be imported; nothing was written."
            )

        if opts["dry_run"]:
            for preview in build_previews(docs):
                if opts["json"]:
                    self.stdout.write(json.dumps(preview, ensure_ascii=False))
                else:
                    self.stdout.write(self._describe(preview))
                    self._report_warnings(preview["file"], preview["warnings"])
            return

        try:
            results = import_documents(docs)
        except ImportProblem as problem:
            self._report_problems([problem], opts["json"])
            raise CommandError("the import failed; nothing was written.") from None
        for result in results:
            if opts["json"]:
                self.stdout.write(json.dumps(result.as_dict()))
            else:
                self.stdout.write(
                    f"{result.status:9} {result.slug} [{result.lang}] ← {result.file}"
                    + (f" ({len(result.warnings)} warning(s))" if result.warnings else "")
                )
                self._report_warnings(result.file, result.warnings)
        counts = {s: sum(r.status == s for r in results) for s in STATUS_TEXT}
        warned = sum(bool(r.warnings) for r in results)
        if not opts["json"]:
            self.stdout.write(
                "in all: "
                + ", ".join(f"{n} {s}" for s, n in counts.items() if n)
                + (f"; {warned} file(s) with warnings (their talks stay drafts)" if warned else "")
            )

    def _collect(self, paths: list[Path]) -> list[Path]:
        files: list[Path] = []
        for path in paths:
            if path.is_dir():
                files.extend(sorted(p for p in path.glob("*.txt") if p.is_file()))
            elif path.exists():
                files.append(path)
            else:
                raise CommandError(f"{path}: no such file or folder")
        if not files:
            raise CommandError("no .txt files to import")
        return files

    def _report_warnings(self, filename: str, warnings: list[dict]) -> None:
        for w in warnings:
            where = f"{filename}, line {w['line']}" if w["line"] else filename
            self.stderr.write(f"warning: {where}: {w['message']}")

    def _report_problems(self, problems: list[ImportProblem], as_json: bool) -> None:
        for problem in problems:
            if as_json:
                self.stdout.write(
                    json.dumps({"status": "error", "error": problem.as_dict()}, ensure_ascii=False)
                )
            else:
                self.stderr.write(str(problem))

    @staticmethod
    def _describe(preview: dict) -> str:
        talk = preview["talk"]
        numbers: list[int] = next(iter(preview["points"].values()), [])
        span = f"points {numbers[0]}–{numbers[-1]}" if numbers else "no points"
        return (
            f"{preview['would_be']:9} {talk['slug']} [{preview['lang']}] {talk['kind']}: "
            f"{talk['title']!r}, {span} ← {preview['file']}"
        )
