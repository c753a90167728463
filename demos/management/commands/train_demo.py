"""``manage.py train_demo <slug> [args…]``: run a demo plug-in's training (``train.main(argv)``).

Everything after the slug goes to the plug-in's own argparse untouched, e.g.
``manage.py train_demo act --steps 3000 --seed 1``; ``manage.py train_demo act --help`` lists them.
"""

from __future__ import annotations

import argparse

from django.core.management.base import BaseCommand, CommandError

from demos import registry


class Command(BaseCommand):
    help = "Train a demo's bundled checkpoints: passes the remaining arguments to demos/<slug>/train.py main(argv)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Django's own --help would answer before the plug-in's parser could list its arguments.
        return super().create_parser(
            prog_name, subcommand, add_help=False, allow_abbrev=False, **kwargs
        )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("slug", help="Demo slug, e.g. act, dnc, learned_opt, wage, wavenet.")
        parser.add_argument(
            "train_args",
            nargs=argparse.REMAINDER,
            help="Arguments for the demo's train.main(argv) (see its --help).",
        )

    def handle(self, *args, slug: str, train_args: list[str], **options) -> None:
        demo = registry.get(slug)
        if demo is None:
            raise CommandError(
                f"Unknown or unavailable demo {slug!r}; known: {', '.join(registry.plugin_packages())}"
            )
        try:
            main = demo.entry_point("train", "main", "main(argv)")
        except LookupError as missing:
            raise CommandError(str(missing)) from None
        try:
            main(list(train_args))
        except SystemExit as exc:  # argparse --help / usage errors: keep their exit status
            if exc.code not in (0, None):
                raise CommandError(f"train_demo {slug} exited with status {exc.code}") from exc
