"""Concept-graph benchmark: parse time, view HTML build time and page weight for growing graphs.

Generates corpus-like flattened Mermaid (``graph LR classDef … A[label\\nline 1] --> B[…] …``) with
30, 300, 3,000 and 30,000 nodes and prints, per size, the parse time, the view HTML build time and
the page weight, each also per node so growth is visible. Parsing must stay linear: the per-node parse
cost at 30,000 nodes must be within 2x of that at 300 (the script exits 1 otherwise). It also times
the vault-wide summary for 1,000 talks x 30 concepts (what ``/graph/`` serves instead of 30,000 raw nodes).

    .venv/bin/python bench/graph_bench.py [--sizes 30 300 3000 30000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graphs import analysis, concept_map, interactive, mermaid

GROUPS = 8
FANOUT = 4
POINTS_PER_TALK = 30
VIS_JS = ROOT / "static" / "vendor" / "vis-network" / "vis-network.min.js"
LINEAR_LIMIT = 2.0


def key(i: int) -> str:
    """A, B, …, Z, AA, AB, … like the corpus."""
    name = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        name = chr(65 + rest) + name
    return name


def flattened_graph(n: int) -> str:
    """A tree of ``n`` nodes in the corpus's flattened form, with groups and point links."""
    parts = ["graph LR"]
    parts += [
        f"classDef g{k} fill:#{k:02x}d4d4, font-weight:bold, font-size:14px;" for k in range(GROUPS)
    ]
    parts.append(f"{key(0)}[Speaker\nICLR 2017]")
    for i in range(1, n):
        parent = (i - 1) // FANOUT
        point = (i - 1) % POINTS_PER_TALK + 1
        parts.append(f"{key(parent)} --> {key(i)}[Concept {i}: idea\nwith detail {point}]")
    members: dict[int, list[str]] = {}
    for i in range(n):
        members.setdefault(i % GROUPS, []).append(key(i))
    parts += [f"class {','.join(keys)} g{k};" for k, keys in members.items()]
    return " ".join(parts)


def best_of(repeat: int, fn) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()  # start each run without the previous size's garbage
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def bench_size(n: int, repeat: int) -> dict:
    text = flattened_graph(n)
    parse_s, graph = best_of(repeat, lambda: mermaid.parse(text))
    assert len(graph.nodes) == n and len(graph.edges) == n - 1
    fills = {g.name: g.style.split(",")[0].split(":")[1] for g in graph.groups}

    def build_html() -> str:
        net = interactive.build_network(analysis.to_networkx(graph), fills)
        return interactive.standalone_html(net, "/static/vendor/vis-network/vis-network.min.js")

    html_s, html = best_of(1 if n >= 30_000 else repeat, build_html)
    assert "cdn" not in html.lower() or "https://cdn" not in html
    weight = len(html.encode()) + VIS_JS.stat().st_size
    return {
        "n": n,
        "bytes_in": len(text),
        "parse": parse_s,
        "html": html_s,
        "weight": weight,
    }


def bench_vault(talks: int = 1_000, concepts: int = 30) -> dict:
    words = [
        "memory",
        "attention",
        "WaveNet",
        "DNC",
        "IMPALA",
        "WAGE",
        "ACT",
        "BPTT",
        "GAN",
        "VAE",
    ]
    inputs = [
        concept_map.TalkConcepts(
            slug=f"talk-{t}",
            title=f"Talk {t}",
            nodes=[
                (f"{words[(t + c) % len(words)]} {c % 7}: detail", f"g{c % 5}")
                for c in range(concepts)
            ],
        )
        for t in range(talks)
    ]
    started = time.perf_counter()
    g, users = concept_map.build(inputs)
    summary = concept_map.summarise(g, users)
    return {
        "talks": talks,
        "seconds": time.perf_counter() - started,
        **summary["totals"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[30, 300, 3_000, 30_000],
        help="node counts",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="best of this many runs (1 for 30,000-node HTML)",
    )
    args = parser.parse_args(argv)

    print(
        f"{'nodes':>7} {'input':>10} {'parse s':>9} {'µs/node':>8} {'view s':>9} {'µs/node':>8} {'page KB':>9} {'B/node':>7}"
    )
    rows = []
    for n in args.sizes:
        r = bench_size(n, args.repeat)
        rows.append(r)
        print(
            f"{n:>7} {r['bytes_in']:>10,} {r['parse']:>9.4f} {r['parse'] / n * 1e6:>8.1f} "
            f"{r['html']:>9.4f} {r['html'] / n * 1e6:>8.1f} {r['weight'] / 1024:>9.0f} {r['weight'] / n:>7.0f}"
        )
    per_node = {r["n"]: r["parse"] / r["n"] for r in rows}
    status = 0
    ratio = None
    if 300 in per_node and 30_000 in per_node:
        ratio = per_node[30_000] / per_node[300]
        ok = ratio <= LINEAR_LIMIT
        status = 0 if ok else 1
        print(
            f"parse per-node cost 30,000 vs 300: {ratio:.2f}x (limit {LINEAR_LIMIT}x) -> {'OK' if ok else 'FAIL'}"
        )
    v = bench_vault()
    print(
        f"vault map, {v['talks']} talks: {v['all_nodes']:,} nodes in the full graph, "
        f"{v['shown_nodes']} served ({v['shared_concepts']} shared concepts), built in {v['seconds']:.2f} s"
    )
    print(
        json.dumps(
            {
                "sizes": [
                    {
                        "nodes": r["n"],
                        "bytes_in": r["bytes_in"],
                        "parse_s": r["parse"],
                        "parse_us_per_node": r["parse"] / r["n"] * 1e6,
                        "view_s": r["html"],
                        "page_bytes": r["weight"],
                    }
                    for r in rows
                ],
                "parse_per_node_30000_over_300": ratio,
                "limit": LINEAR_LIMIT,
                "met": ratio is None or ratio <= LINEAR_LIMIT,
                "vault_map": {
                    k: v[k]
                    for k in ("talks", "all_nodes", "shown_nodes", "shared_concepts", "seconds")
                },
            }
        )
    )
    return status


if __name__ == "__main__":
    raise SystemExit(main())
