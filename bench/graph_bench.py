"""Concept-graph benchmark: parse time, view HTML build time and page weight for growing graphs.

Generates corpus-like flattened Mermaid (``graph LR classDef … A[label\\nline 1] --> B[…] …``) with
30, 300, 3,000 and 30,000 nodes and prints, per size, the parse time, the view HTML build time and
the page weight, each also per node so growth is visible. Parsing must stay linear: the per-node parse
cost at 30,000 nodes must be within 2x of that at 300 (the script exits 1 otherwise). It also times
the vault-wide summary for 1,000 talks x 30 concepts (what ``/graph/`` serves instead of 30,000 raw nodes).

Concept linking by meaning (``graphs/linking.py``) is timed at 100, 1,000 and 10,000 talks of 30
items each, on generated vectors of the real width (896: USE + e5) clustered around shared concepts:
linking time, candidate pairs examined and the per-item cost, with the ratio of each per-item cost to
the smallest size's, measured in the same run (the baseline). 1,000 talks (30,000 items) must link in
under 60 s (the script exits 1 otherwise).

    .venv/bin/python bench/graph_bench.py [--sizes 30 300 3000 30000] [--repeat 3]
        [--link-talks 100 1000 10000]
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

import numpy as np

from graphs import analysis, concept_map, interactive, linking, mermaid

GROUPS = 8
FANOUT = 4
POINTS_PER_TALK = 30
VIS_JS = ROOT / "static" / "vendor" / "vis-network" / "vis-network.min.js"
LINEAR_LIMIT = 2.0
LINK_DIM = 896
LINK_TARGET_TALKS = 1_000
LINK_TARGET_S = 60.0


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


def linking_inputs(talks: int, per_talk: int = POINTS_PER_TALK, seed: int = 0):
    """Items and float32[talks * per_talk, 896] vectors: each item near one of ``2 * talks`` concept
    centres (cosine about 0.75 to its centre's other items), one in ten naming an acronym."""
    rng = np.random.default_rng(seed)
    n = talks * per_talk
    n_concepts = 2 * talks
    centres = rng.standard_normal((n_concepts, LINK_DIM), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    which = rng.integers(0, n_concepts, size=n)
    noise = rng.standard_normal((n, LINK_DIM), dtype=np.float32)
    noise *= 0.6 / np.sqrt(LINK_DIM)
    vectors = centres[which] + noise
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    items = [
        linking.Item(
            f"talk-{i // per_talk}",
            "point",
            "en" if i % 2 else "es",
            i % per_talk + 1,
            f"idea {which[i]}" + (f" X{which[i] % 500}Q" if i % 10 == 0 else ""),
        )
        for i in range(n)
    ]
    return items, vectors


def bench_linking(talks: int) -> dict:
    items, vectors = linking_inputs(talks)
    gc.collect()
    started = time.perf_counter()
    result = linking.link(items, vectors)
    seconds = time.perf_counter() - started
    return {
        "talks": talks,
        "items": len(items),
        "seconds": seconds,
        "candidate_pairs": result.candidate_pairs,
        "links": result.links,
        "concepts": len(result.concepts),
        "us_per_item": seconds / len(items) * 1e6,
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
    parser.add_argument(
        "--link-talks",
        type=int,
        nargs="*",
        default=[100, 1_000, 10_000],
        help="vault sizes (talks of 30 items) for concept linking; none to skip",
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
    links = [bench_linking(t) for t in args.link_talks]
    if links:
        base = links[0]["us_per_item"]
        print(
            f"{'talks':>7} {'items':>9} {'link s':>8} {'pairs examined':>15} {'links':>9} "
            f"{'concepts':>9} {'µs/item':>8} {'x base':>7}"
        )
        for r in links:
            r["per_item_over_base"] = r["us_per_item"] / base
            print(
                f"{r['talks']:>7,} {r['items']:>9,} {r['seconds']:>8.2f} {r['candidate_pairs']:>15,} "
                f"{r['links']:>9,} {r['concepts']:>9,} {r['us_per_item']:>8.1f} "
                f"{r['per_item_over_base']:>7.2f}"
            )
    target = next((r for r in links if r["talks"] == LINK_TARGET_TALKS), None)
    link_met = target is None or target["seconds"] < LINK_TARGET_S
    if target is not None:
        print(
            f"linking {LINK_TARGET_TALKS:,} talks: {target['seconds']:.1f} s "
            f"(limit {LINK_TARGET_S:.0f} s) -> {'OK' if link_met else 'FAIL'}"
        )
        status = status or (0 if link_met else 1)
    print(
        json.dumps(
            {
                "linking": links,
                "linking_met": link_met,
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
