"""``main(argv)`` of the probe plug-in: writes its arguments to the file named by ``--out``."""

from __future__ import annotations

import argparse
import json


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="train_demo probe")
    parser.add_argument("--out", required=True, help="where to write the received arguments")
    parser.add_argument("--steps", type=int, default=1, help="training steps")
    args, rest = parser.parse_known_args(argv)
    with open(args.out, "w") as f:
        json.dump({"argv": argv, "steps": args.steps, "rest": rest}, f)
