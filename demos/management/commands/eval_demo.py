"""``manage.py eval_demo <slug> [--quick]``: a demo's evaluation report, as a table then one JSON line.

Calls the plug-in's ``evaluate.evaluate(cfg, out)`` with the kit's ``EvalConfig`` (its fields are
the flags, ``demos.kit.cli``). The plug-in's own tables go through ``out``; then the report's table
(figures with 95 % intervals, splits, baselines, ablations, acceptance checks) and, last, the
report as JSON (``demos.kit.evaluation.Report.to_json``) so scripts can read ``tail -1``. With
``--write`` (full runs only) the report is also stored as the plug-in's ``evaluation.json``, which its
page shows. A report whose acceptance checks fail exits with an error after printing (and after
storing it: the page shows what the evaluation found, met or not).
"""

from __future__ import annotations

import argparse
import json

from django.core.management.base import BaseCommand, CommandError

from demos import registry
from demos.kit import cli
from demos.kit.evaluation import EvalConfig, Report, write_report


class Command(BaseCommand):
    help = "Evaluate a demo's bundled checkpoints on fixed held-out data; the last line is its JSON report."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("slug", help="Demo slug, e.g. act, dnc, learned_opt, wage, wavenet.")
        cli.add_flags(parser, EvalConfig)  # the same flags for every plug-in

    def handle(self, *args, slug: str, **options) -> None:
        demo = registry.get(slug)
        if demo is None:
            raise CommandError(
                f"Unknown or unavailable demo {slug!r}; known: {', '.join(registry.plugin_packages())}"
            )
        try:
            evaluate = demo.entry_point("evaluate", "evaluate", "evaluate(cfg, out)")
        except LookupError as missing:
            raise CommandError(str(missing)) from None
        cfg = EvalConfig(**{k: options[k] for k in EvalConfig.__dataclass_fields__})
        if cfg.write and cfg.quick:
            raise CommandError("--write stores a full evaluation; drop --quick.")
        report = evaluate(cfg, out=lambda line: self.stdout.write(str(line)))
        if not isinstance(report, Report):
            raise CommandError("evaluate() must return a demos.kit.evaluation.Report.")
        self.stdout.write(report.table())
        self.stdout.write(json.dumps(report.to_json(), sort_keys=True, default=float))
        if cfg.write:
            path = write_report(report, demo.folder)
            self.stderr.write(f"wrote {path}")
        if not report.passed:
            failed = [c["figure"] for c in report.checks() if not c["passed"]]
            raise CommandError(f"{slug}: acceptance figures not met: {', '.join(failed)}")
