"""``manage.py eval_demo <slug>``: a demo's acceptance figures, as a table then one JSON line.

Calls the plug-in's ``evaluate.evaluate(out)``; the table goes through ``out``, and the returned dict
is printed last with ``json.dumps`` so scripts can read ``tail -1``.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from demos import registry


class Command(BaseCommand):
    help = "Evaluate a demo's bundled checkpoints on fixed held-out data; the last line is a JSON object."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug", help="Demo slug, e.g. act, dnc, learned_opt, wage, wavenet.")

    def handle(self, *args, slug: str, **options) -> None:
        demo = registry.get(slug)
        if demo is None:
            raise CommandError(
                f"Unknown or unavailable demo {slug!r}; known: {', '.join(registry.plugin_packages())}"
            )
        try:
            evaluate = demo.entry_point("evaluate", "evaluate", "evaluate(out)")
        except LookupError as missing:
            raise CommandError(str(missing)) from None
        result = evaluate(out=lambda line: self.stdout.write(str(line)))
        if not isinstance(result, dict):
            raise CommandError("evaluate() must return a dict of figures.")
        self.stdout.write(json.dumps(result, sort_keys=True, default=float))
