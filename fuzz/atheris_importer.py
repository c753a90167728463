"""atheris (libFuzzer) target: the Knowledge Vault parser and the Mermaid parser on mutated corpus files.

Each input picks a corpus file, a few mutations from ``fuzz/mutations.py`` (the same ones the
Hypothesis tests draw, 1 MB lines excepted: they would slow every iteration; the Hypothesis tests
cover them) and a run of raw fuzzer bytes spliced in, then parses the file as ``import_vault`` does
and parses the corpus graph mutated the same way. ``ImportProblem`` and ``MermaidSyntaxError`` are the
expected refusals; any other exception is a crash libFuzzer reports (with the input saved as
``crash-…``), and ``-timeout`` catches hangs.

    .venv/bin/python fuzz/atheris_importer.py -max_total_time=300 -max_len=512 -len_control=0   # five minutes
    .venv/bin/python fuzz/atheris_importer.py -atheris_runs=100000 -timeout=10
    .venv/bin/python fuzz/atheris_importer.py crash-<sha1>                     # replay one input

No Django settings are needed (the parsers import no models).
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

with atheris.instrument_imports(
    include=["talks.importers.knowledge_vault", "graphs.mermaid", "fuzz.mutations"]
):
    from fuzz.mutations import KINDS, corpus_files, graph_sources, mutate
    from graphs.mermaid import MermaidSyntaxError
    from graphs.mermaid import parse as parse_mermaid
    from talks.importers.knowledge_vault import ImportProblem, Metadata, decode, parse

FILES = [(path.name, path.read_bytes()) for path in corpus_files()]
GRAPHS = [source.encode("utf-8") for source in graph_sources()]
FAST_KINDS = [kind for kind in KINDS if kind != "long_line"]
# Manifest entries of the corpus files, read once in main().
DEFAULTS = {}


def _defaults() -> dict[str, Metadata]:
    from talks.importers.manifest import entry_for

    return {path.name: entry_for(path) or Metadata() for path in corpus_files()}


def _mutations(fdp: atheris.FuzzedDataProvider) -> list[tuple[str, int, int]]:
    return [
        (
            FAST_KINDS[fdp.ConsumeIntInRange(0, len(FAST_KINDS) - 1)],
            fdp.ConsumeIntInRange(0, 2**20),
            fdp.ConsumeIntInRange(0, 2**20),
        )
        for _ in range(fdp.ConsumeIntInRange(0, 4))
    ]


def _splice(data: bytes, fdp: atheris.FuzzedDataProvider) -> bytes:
    at = fdp.ConsumeIntInRange(0, len(data))
    return data[:at] + fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 256)) + data[at:]


def test_one_input(raw: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(raw)
    name, data = FILES[fdp.ConsumeIntInRange(0, len(FILES) - 1)]
    data = _splice(mutate(data, _mutations(fdp)), fdp)
    with contextlib.suppress(ImportProblem):
        parse(decode(data, name), filename=name, defaults=DEFAULTS[name])
    graph = _splice(mutate(GRAPHS[fdp.ConsumeIntInRange(0, len(GRAPHS) - 1)], _mutations(fdp)), fdp)
    with contextlib.suppress(MermaidSyntaxError):
        parse_mermaid(graph.decode("utf-8", "replace"))


def main() -> None:
    DEFAULTS.update(_defaults())
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
