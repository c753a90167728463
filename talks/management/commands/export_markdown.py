"""``manage.py export_markdown DIR``: the published talks as an Obsidian-compatible folder of notes."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from talks import obsidian
from talks.models import Talk


class Command(BaseCommand):
    help = (
        "Write the published talks as Markdown notes that Obsidian opens as a vault: one note per talk "
        "(front matter, numbered points, Mermaid graph, [[links]] to shared concepts) and one per "
        "shared concept. DIR must be empty, missing, or an earlier export (which is replaced whole)."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", help="Folder to write (created if missing).")
        parser.add_argument(
            "--base-url",
            default="",
            help="The site's address, e.g. https://vault.example.org, to put each page's URL in the notes.",
        )

    def handle(self, *args, **options):
        target = Path(options["dir"]).resolve()
        if target.exists() and not target.is_dir():
            raise CommandError(f"{target} is a file, not a folder.")
        if target.is_dir() and any(target.iterdir()) and not (target / obsidian.MARKER).exists():
            raise CommandError(
                f"{target} is not empty and is not an earlier export: choose an empty folder."
            )
        talks = obsidian.export_queryset(Talk.objects.published())
        files = obsidian.notes(talks, options["base_url"].rstrip("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written beside the target and swapped in whole: an error leaves the old folder as it was.
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
        try:
            for rel, text in files.items():
                path = staging / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
            (staging / obsidian.MARKER).write_text("Written by manage.py export_markdown.\n")
            if target.exists():
                shutil.rmtree(target)
            staging.rename(target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        talks_n = sum(1 for rel in files if rel.startswith("talks/"))
        concepts_n = sum(1 for rel in files if rel.startswith("concepts/"))
        self.stdout.write(
            f"{talks_n} talk notes and {concepts_n} concept notes written to {target}"
        )
