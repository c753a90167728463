"""Import throughput: a generated corpus of N entries × 2 languages in the shapes real pages come in.

Each entry is an English and a Spanish page of one talk, in one of ten shapes: Vault 2 pages with
the header spellings of both languages, a graph-only Spanish page beside a resume-only English one,
a truncated graph, Vault 6 (title and speaker on lines of their own), Vault 1 (series header and
links line) and a CVPR page with a flattened graph and scraped-rendering quirks. Full pages carry
30 points and a 31-node graph. The text is generated here; none comes from a real page.

Prints parse-only throughput (no database), the full import's throughput into a fresh database, and
the ratio of the database part (import − parse) to the parse, all measured in this run; then the parse
time per page over 100, 1,000 and 10,000 pages (flat = linear). The search index is built by its own
command (``rebuild_search_index``) and is not part of this figure; the concept-graph receiver is.

    python bench/import_bench.py [--talks 2000] [--flat 100 1000 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POINTS = 30
WORDS = [
    "memory",
    "attention",
    "agents",
    "search",
    "depth",
    "curiosity",
    "routing",
    "experts",
    "planning",
    "vision",
]
PALABRAS = [
    "memoria",
    "atención",
    "agentes",
    "búsqueda",
    "profundidad",
    "curiosidad",
    "expertos",
    "visión",
]


def _points(i: int, lang: str, blank: bool) -> list[str]:
    words = WORDS if lang == "en" else PALABRAS
    lines = []
    for n in range(1, POINTS + 1):
        if blank:
            lines.append("")
        text = " ".join(words[(i + n + k) % len(words)] for k in range(12))
        lines.append(f"{n}.-{text.capitalize()} {i}.{n}.")
    return lines


def _graph(i: int, lang: str, flat: bool, quirks: bool) -> list[str]:
    words = WORDS if lang == "en" else PALABRAS
    end = ";" if flat else ""
    statements = [
        f"classDef main fill:#f9d4d4, font-weight:bold{end}",
        f"classDef rest fill:#d4f9d4{end}",
    ]
    root = "**Speaker**" if quirks else "Speaker"
    statements.append(f"A[{root} {i}] --> B[{words[i % len(words)]} 1]")
    for n in range(2, POINTS + 1):
        parent = chr(ord("A") + (n - 2) % 26) if n < 27 else f"N{n - 1}"
        key = chr(ord("A") + n) if n < 26 else f"N{n}"
        arrow = "-.->" if n % 7 == 0 else ("-->" if quirks and n % 5 == 0 else " --> ")
        label = f"{words[(i + n) % len(words)]} {words[(n * 3) % len(words)]} {n}"
        statements.append(
            f"{parent}{arrow}{key}[{label} ]" if quirks else f"{parent}{arrow}{key}[{label}]"
        )
    statements.append("linkStyle default stroke:#555")
    statements += [f"class A main{end}", f"class B,C,D rest{end}"]
    if flat:
        return [" ".join(["graph LR", *statements])]
    return ["graph LR", *statements]


def page(i: int, shape: int, lang: str) -> str:
    """The ``lang`` page of entry ``i`` in shape ``shape`` (0…9)."""
    en = lang == "en"
    speaker, year = f"Speaker N{i:05d}", 2014 + i % 10
    title = f"Talk number {i}" if en else f"Charla número {i}"
    kind = "Invited Talk" if en else "Charla Invitada"
    image = "<Resume Image >" if en else "<Imagen de Resumen >"
    generator = (
        "Concept Graph & Resume using Claude 3 Opus | Chat GPT4:"
        if en
        else "Gráfico de Conceptos & Resumen usando Claude 3 Opus | Chat GPT4:"
    )
    footer = (
        "Knowledge Vault built byDavid Vivancos 2024"
        if en
        else "Bóveda de Conocimiento construida porDavid Vivancos 2024"
    )
    brand = "Knowledge Vault" if en else ("Conocimiento Bóveda" if i % 2 else "ConocimientoBóveda")
    resume = "Resume:" if en else "Resumen:"
    graph, points = (
        _graph(i, lang, flat=shape in (1, 9), quirks=shape == 9),
        _points(i, lang, i % 2 == 0),
    )
    if shape == 7:  # Vault 6
        head = [f"{brand} 6 /{i} - ICML {year}", title, speaker, image]
    elif shape == 8:  # Vault 1
        head = [
            f"{brand} 1 - Lex 100 - {i} ({year})",
            image,
            f"{speaker}: {title} | Lex Fridman Podcast #{i} | https://example.org/{i}",
        ]
    elif shape == 9:  # CVPR
        head = [
            f"{brand} 4/{i} - CVPR 2017-2023",
            f"{speaker} CVPR {year} - {'Keynote' if en else 'Conferencia Magistral'} - {title}",
            image,
        ]
    else:
        head = [
            f"{brand} 2/{i} - ICLR 2014-2023",
            f"{speaker} ICLR {year} - {kind} - {title}",
            image,
        ]
    if shape == 5:  # graph-only Spanish page, resume-only English page
        body = points if en else ["", generator, "", *graph]
        return "\n".join([*head, *body, "", footer]) + "\n"
    if shape == 6 and en:  # the graph breaks off mid-label
        flat = "\n".join(graph)
        graph = [flat[: int(len(flat) * 0.6)]]
    return "\n".join([*head, "", generator, "", *graph, "", resume, *points, "", footer]) + "\n"


def expected_points(n_talks: int) -> int:
    return sum(POINTS * (1 if i % 10 == 5 else 2) for i in range(n_talks))


def generate(folder: Path, n_talks: int) -> list[Path]:
    files = []
    for i in range(n_talks):
        for lang in ("en", "es"):
            path = folder / f"{i:05d}_{lang}.txt"
            path.write_text(page(i, i % 10, lang))
            files.append(path)
    return files


def flatness(sizes: list[int]) -> list[dict]:
    """Parse time per page over the first N generated pages, for each N (pure parser, no Django DB)."""
    from talks.importers.knowledge_vault import parse

    texts = [page(i // 2, (i // 2) % 10, ("en", "es")[i % 2]) for i in range(max(sizes))]
    rows = []
    for n in sizes:
        t0 = time.perf_counter()
        for k in range(n):
            parse(texts[k], f"{k}.txt")
        elapsed = time.perf_counter() - t0
        rows.append(
            {"pages": n, "parse_s": round(elapsed, 3), "us_per_page": round(elapsed / n * 1e6, 1)}
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--talks", type=int, default=2000, help="number of entries to generate (2 files each)"
    )
    parser.add_argument(
        "--flat",
        type=int,
        nargs="+",
        default=[100, 1000, 10000],
        help="page counts for the flatness figure",
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="import-bench-"))
    os.environ["VAULT_VAR_DIR"] = str(tmp / "var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vault.settings")
    os.environ.pop("DATABASE_URL", None) if os.environ.get("BENCH_SQLITE") else None
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from talks.importers.writer import import_documents, load_file
    from talks.models import SummaryPoint, Talk
    from talks.signals import translation_imported

    # The search index has its own bulk command; keep it out of the import figure.
    translation_imported.disconnect(sender=Talk, dispatch_uid="search.translation_imported")

    call_command("migrate", verbosity=0)
    (tmp / "corpus").mkdir()
    files = generate(tmp / "corpus", args.talks)
    print(
        f"generated {args.talks} entries × 2 languages in 10 shapes ({len(files)} files) on {connection.vendor}"
    )

    t0 = time.perf_counter()
    docs = [load_file(path) for path in files]
    parse_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    docs2 = [load_file(path) for path in files]
    import_documents(docs2)
    import_s = time.perf_counter() - t0
    assert Talk.objects.count() == args.talks, Talk.objects.count()
    assert SummaryPoint.objects.count() == expected_points(args.talks)
    warned = sum(bool(d.warnings) for d in docs2)
    drafts = Talk.objects.filter(status=Talk.Status.DRAFT).count()

    db_s = import_s - parse_s
    print(
        f"parse only      : {parse_s:7.2f} s  {args.talks / parse_s:8.1f} talks/s ({len(docs)} files)"
    )
    print(f"parse + import  : {import_s:7.2f} s  {args.talks / import_s:8.1f} talks/s")
    print(f"database part   : {db_s:7.2f} s  ratio db/parse = {db_s / parse_s:.2f}× (target ≤ 4×)")
    print(f"pages with warnings: {warned}; talks left as drafts: {drafts}")
    flat = flatness(args.flat)
    for row in flat:
        print(
            f"parse {row['pages']:6d} pages: {row['parse_s']:7.3f} s  {row['us_per_page']:8.1f} µs/page"
        )
    flat_ratio = flat[-1]["us_per_page"] / flat[0]["us_per_page"]
    print(
        f"µs/page at {flat[-1]['pages']} ÷ at {flat[0]['pages']}: {flat_ratio:.2f}× (flat: ≤ 1.5×)"
    )
    print(
        json.dumps(
            {
                "talks": args.talks,
                "files": len(files),
                "database": connection.vendor,
                "parse_s": round(parse_s, 2),
                "import_s": round(import_s, 2),
                "db_s": round(db_s, 2),
                "db_over_parse": round(db_s / parse_s, 2),
                "target_db_over_parse": 4,
                "met": db_s / parse_s <= 4,
                "warned_files": warned,
                "drafts": drafts,
                "flat": flat,
                "flat_ratio": round(flat_ratio, 2),
                "flat_met": flat_ratio <= 1.5,
            }
        )
    )


if __name__ == "__main__":
    main()
