"""``manage.py train_demo <slug> [flags…]``: run a demo plug-in's training, ``train(cfg, on_step)``.

The flags after the slug are the fields of the plug-in's ``TrainConfig`` dataclass, parsed by
``demos.kit.cli`` (``--max-updates 3000`` sets ``max_updates``), e.g.
``manage.py train_demo act --only 1e-3 --seed 1``; ``manage.py train_demo act --help`` lists them.
"""

from __future__ import annotations

import argparse

from django.core.management.base import BaseCommand, CommandError

from demos import registry
from demos.kit import cli


class Command(BaseCommand):
    help = "Train a demo's bundled checkpoints: the flags after the slug are its TrainConfig fields (see --help)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Django's own --help would answer before the plug-in's parser could list its flags.
        return super().create_parser(
            prog_name, subcommand, add_help=False, allow_abbrev=False, **kwargs
        )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("slug", help="Demo slug, e.g. act, dnc, learned_opt, wage, wavenet.")
        parser.add_argument(
            "train_args",
            nargs=argparse.REMAINDER,
            help="Flags of the demo's TrainConfig (see train_demo <slug> --help).",
        )

    def handle(self, *args, slug: str, train_args: list[str], **options) -> None:
        demo = registry.get(slug)
        if demo is None:
            raise CommandError(
                f"Unknown or unavailable demo {slug!r}; known: {', '.join(registry.plugin_packages())}"
            )
        try:
            demo.entry_point("train", "train", "train(cfg, on_step)")
            module = demo.module("train")
            if not hasattr(module, "TrainConfig"):
                raise LookupError(f"{demo.package}.train has no TrainConfig dataclass.")
        except LookupError as missing:
            raise CommandError(str(missing)) from None
        try:
            result = cli.main(module, list(train_args), prog=f"manage.py train_demo {slug}")
        except SystemExit as exc:  # --help / usage errors: keep their exit status
            if exc.code not in (0, None):
                raise CommandError(f"train_demo {slug} exited with status {exc.code}") from exc
            return
        self.stdout.write(
            f"{slug}: {result.step} steps, {len(result.checkpoints)} checkpoint(s) written"
        )
