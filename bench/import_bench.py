"""Import throughput: a generated corpus of N talks × 2 languages × 30 points.

Prints parse-only throughput (no database), the full import's throughput into a fresh database, and
the ratio of the database part (import − parse) to the parse, all measured in this run. The search
index is built by its own command (``rebuild_search_index``) and is not part of this figure; the
concept-graph receiver is (each generated talk carries its graph).

    python bench/import_bench.py [--talks 2000]
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


def generate(folder: Path, n_talks: int) -> list[Path]:
    """Variations of the bundled Graves talk (EN with header, ES with its manifest entry)."""
    corpus = ROOT / "data" / "corpus"
    en = (corpus / "003_d8bc2bdddd8060bd.txt").read_text()
    es = (corpus / "000_0c866e8fe9d94a0f.txt").read_text()
    manifest = {}
    files = []
    for i in range(n_talks):
        speaker = f"Speaker {i:05d}"
        year = 2000 + i % 25
        en_i = en.replace("Alex Graves ICLR 2017", f"{speaker} ICLR {year}").replace(
            "sequential data", f"data {i}"
        )
        path_en = folder / f"{i:05d}_en.txt"
        path_en.write_text(en_i)
        path_es = folder / f"{i:05d}_es.txt"
        path_es.write_text(es.replace("datos secuenciales", f"datos {i}"))
        manifest[path_es.name] = {
            "slug": f"speaker-{i:05d}-iclr-{year}",
            "lang": "es",
            "title": f"Charla {i}",
        }
        files += [path_en, path_es]
    import json

    (folder / "manifest.json").write_text(json.dumps({"files": manifest}))
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--talks", type=int, default=2000, help="number of talks to generate (2 files each)"
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
        f"generated {args.talks} talks × 2 languages × 30 points ({len(files)} files) on {connection.vendor}"
    )

    t0 = time.perf_counter()
    docs = [load_file(path) for path in files]
    parse_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    docs2 = [load_file(path) for path in files]
    import_documents(docs2)
    import_s = time.perf_counter() - t0
    assert Talk.objects.count() == args.talks and SummaryPoint.objects.count() == args.talks * 60

    db_s = import_s - parse_s
    print(
        f"parse only      : {parse_s:7.2f} s  {args.talks / parse_s:8.1f} talks/s ({len(docs)} files)"
    )
    print(f"parse + import  : {import_s:7.2f} s  {args.talks / import_s:8.1f} talks/s")
    print(f"database part   : {db_s:7.2f} s  ratio db/parse = {db_s / parse_s:.2f}× (target ≤ 4×)")
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
            }
        )
    )


if __name__ == "__main__":
    main()
