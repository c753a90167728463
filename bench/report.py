"""Run every benchmark and write ``bench/REPORT.md``: figures, the ratio each issue asked for, the machine.

    .venv/bin/python bench/report.py [--only import graph …] [--skip load] [--quick]

Each ``bench/*.py`` (and ``bench/load/run_load.py``) prints a human-readable table and, as its last
line, one JSON object with its figures; this script runs them one after another (each alone, so they
do not slow each other down), keeps their full output in ``bench/results/<name>.log`` and builds the
report from the JSON lines. A benchmark that fails is reported as failed with the end of its output;
the others still run. ``--quick`` shrinks every benchmark (for trying the script, not for figures).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
RESULTS = ROOT / "bench" / "results"
REPORT = ROOT / "bench" / "REPORT.md"

#: name -> (command, quick command, what it measures)
BENCHES: dict[str, tuple[list[str], list[str], str]] = {
    "import": (
        ["bench/import_bench.py", "--talks", "2000"],
        ["bench/import_bench.py", "--talks", "100", "--flat", "100", "1000"],
        "#2/#17 importer: 2,000 entries × 2 languages in mixed page shapes into SQLite; parse per page at 100 … 10,000 pages",
    ),
    "graph": (
        ["bench/graph_bench.py"],
        ["bench/graph_bench.py", "--sizes", "30", "300", "--repeat", "1", "--link-talks", "100"],
        "#3 concept graphs: parse and vis-network view build for 30 … 30,000 nodes; vault map for 1,000 talks; #20 concept linking at 100 / 1,000 / 10,000 talks",
    ),
    "search": (
        ["bench/search_bench.py"],
        ["bench/search_bench.py", "--sizes", "1000", "--queries", "8"],
        "#4 search: encode vs ranking at 1k / 10k / 100k points, ANN recall",
    ),
    "demo": (
        ["bench/demo_bench.py", "--runs", "20"],
        ["bench/demo_bench.py", "--runs", "3"],
        "#5 demo platform: POST → result overhead over pure inference (Redis broker)",
    ),
    "wavenet": (
        ["bench/wavenet_bench.py"],
        [
            "bench/wavenet_bench.py",
            "--cached-samples",
            "50",
            "--compiled-seconds",
            "0.2",
            "--naive-samples",
            "2",
        ],
        "#10 WaveNet: naive vs cached vs compiled generation",
    ),
    "load": (
        ["bench/load/run_load.py", "--fresh"],
        [
            "bench/load/run_load.py",
            "--db",
            "vault_load_quick",
            "--talks",
            "100",
            "--ceiling-seconds",
            "5",
            "--talk-seconds",
            "5",
            "--mix-seconds",
            "10",
        ],
        "#12 load: gunicorn + PostgreSQL + Redis, 1,000 talks, 32 clients",
    ),
}


def _env(name: str) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
    }  # some benches import the apps without setting sys.path
    if name == "demo":
        # A Redis database of its own: test suites running beside it use database 0, and their workers
        # must not take the bench's runs (nor the bench's worker theirs). The load test uses 7 and 8.
        env["CELERY_BROKER_URL"] = env.get("BENCH_DEMO_BROKER_URL", "redis://127.0.0.1:6379/9")
    return env


def run_bench(name: str, quick: bool) -> dict:
    cmd = [PY, *BENCHES[name][1 if quick else 0]]
    log = RESULTS / f"{name}.log"
    print(f"== {name}: {' '.join(cmd[1:])}", flush=True)
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.run(
            cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, check=False, env=_env(name)
        )
    seconds = time.perf_counter() - t0
    lines = log.read_text().splitlines()
    figures = None
    for line in reversed(lines):
        if line.startswith("{"):
            with contextlib.suppress(ValueError):
                figures = json.loads(line)
            break
    result = {
        "name": name,
        "command": " ".join(cmd[1:]),
        "rc": proc.returncode,
        "seconds": round(seconds, 1),
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
        "figures": figures,
        "tail": "\n".join(line for line in lines[-15:] if not line.startswith("{")),
    }
    print(f"   rc={proc.returncode} in {seconds:.0f} s", flush=True)
    return result


# --- machine ------------------------------------------------------------------------------------------


def _out(cmd: list[str]) -> str:
    try:
        return subprocess.run(
            cmd, capture_output=True, text=True, timeout=20, check=False
        ).stdout.strip()
    except OSError:
        return ""


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    versions = {}
    for pkg in ("django", "gunicorn", "locust", "torch", "celery", "psycopg", "redis"):
        try:
            from importlib.metadata import version

            versions[pkg] = version(pkg)
        except Exception:  # noqa: BLE001 — a missing package is reported as such
            versions[pkg] = "not installed"
    pg = (
        _out(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version"])
        or "unreachable"
    )
    redis = _out(["redis-cli", "INFO", "server"])
    redis_v = next(
        (line.split(":", 1)[1] for line in redis.splitlines() if line.startswith("redis_version")),
        "unreachable",
    )
    commit = _out(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = bool(_out(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"]))
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(mem_kb / 2**20, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "postgresql": pg.strip(),
        "redis": redis_v.strip(),
        "versions": versions,
        "commit": commit + (" (with uncommitted changes in the shared tree)" if dirty else ""),
    }


# --- report -----------------------------------------------------------------------------------------------


def _f(x, digits: int | None = None) -> str:
    """A figure for a table: floats with as many digits as their size deserves (or ``digits``)."""
    if x is None:
        return "—"
    if isinstance(x, bool):
        return "yes" if x else "**no**"
    if isinstance(x, float):
        if digits is None:
            a = abs(x)
            digits = 0 if a >= 1000 else 1 if a >= 10 else 2 if a >= 1 else 3 if a >= 0.01 else 5
        return f"{x:,.{digits}f}"
    return f"{x:,}" if isinstance(x, int) else str(x)


def _met(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**missed**")


def targets(results: dict[str, dict]) -> list[tuple[str, str, str, str, str]]:
    """(issue, figure, target, measured, met) for every ratio an issue asked for."""
    rows = []
    fig = {k: (v.get("figures") or {}) for k, v in results.items()}
    if "import" in fig:
        f = fig["import"]
        rows.append(
            (
                "#2 import",
                "database part / parse",
                "≤ 4×",
                _f(f.get("db_over_parse"), 2) + "×",
                _met(f.get("met") if f else None),
            )
        )
        if f.get("flat"):
            rows.append(
                (
                    "#17 import",
                    f"parse µs/page at {f['flat'][-1]['pages']:,} ÷ at {f['flat'][0]['pages']:,}",
                    "≤ 1.5× (flat)",
                    _f(f.get("flat_ratio"), 2) + "×",
                    _met(f.get("flat_met")),
                )
            )
    if "graph" in fig:
        f = fig["graph"]
        rows.append(
            (
                "#3 graphs",
                "parse µs/node at 30,000 ÷ at 300",
                "≤ 2× (linear)",
                (
                    _f(f["parse_per_node_30000_over_300"], 2) + "×"
                    if f.get("parse_per_node_30000_over_300")
                    else "—"
                ),
                _met(f.get("met") if f.get("parse_per_node_30000_over_300") is not None else None),
            )
        )
        link = next((r for r in f.get("linking", []) if r["talks"] == 1_000), None)
        if link is not None:
            rows.append(
                (
                    "#20 concepts",
                    "linking 1,000 talks (30,000 items)",
                    "< 60 s",
                    _f(link["seconds"], 3) + " s",
                    _met(f.get("linking_met")),
                )
            )
    if "search" in fig:
        big = [
            r
            for r in fig["search"].get("rows", [])
            if r["points"] == max((x["points"] for x in fig["search"].get("rows", [])), default=0)
        ]
        ann = next((r for r in big if r["path"] == "hnsw"), None) or (big[0] if big else None)
        if ann:
            rows.append(
                (
                    f"#4 search ({ann['points']:,} points, {ann['path']})",
                    "ranking p50 / encode p50",
                    "≤ 0.5×",
                    _f(ann["rank_over_encode"], 2) + "×",
                    _met(ann["rank_over_encode"] <= 0.5),
                )
            )
            if ann.get("recall_at_10") is not None:
                rows.append(
                    (
                        "#4 search",
                        "ANN recall@10 vs exact",
                        "≥ 0.95",
                        _f(ann["recall_at_10"], 3),
                        _met(ann["recall_at_10"] >= 0.95),
                    )
                )
    if fig.get("demo"):
        f = fig["demo"]
        over = f.get("overhead_ms_p50")
        rows.append(
            (
                "#5 demos",
                "platform overhead p50 (Redis)",
                "≤ 150 ms",
                _f(over) + " ms",
                _met(over is not None and over <= 150),
            )
        )
    if "wavenet" in fig and fig["wavenet"].get("rows"):
        top = max(fig["wavenet"]["rows"], key=lambda r: r["receptive_field"])
        rows.append(
            (
                f"#10 WaveNet (RF {top['receptive_field']:,})",
                "cached over naive (PyTorch)",
                "≥ 20×",
                _f(top["cached_over_naive"]) + "×",
                _met(top["cached_over_naive"] >= 20),
            )
        )
        rows.append(
            (
                f"#10 WaveNet (RF {top['receptive_field']:,})",
                "compiled real-time factor",
                "≤ 1",
                _f(top["rtf_compiled"], 3),
                _met(top["rtf_compiled"] <= 1),
            )
        )
        rows.append(
            (
                "#10 WaveNet",
                "naive == cached == compiled samples",
                "identical",
                str(all(r["same_samples"] for r in fig["wavenet"]["rows"])),
                _met(all(r["same_samples"] for r in fig["wavenet"]["rows"])),
            )
        )
    if "load" in fig and fig["load"].get("summary"):
        s = fig["load"]["summary"]
        t = s["targets"]
        rows.append(
            ("#12 load", "errors (all phases)", "0", _f(s["errors"]), _met(t["errors"]["met"]))
        )
        p99 = t["talk_p99_ms"]
        rows.append(
            (
                "#12 load",
                (
                    f"talk-page p99, {f_users(fig)} clients each sending one request every "
                    f"{s['pacing_s']} s"
                ),
                "< 150 ms",
                f"{_f(p99['measured_paced'])} ms",
                _met(p99["met_paced"]),
            )
        )
        rows.append(
            (
                "#12 load",
                f"talk-page p99, {f_users(fig)} clients back to back (saturated; in the mix)",
                "< 150 ms",
                f"{_f(p99['measured_alone'])} ms ({_f(p99['measured_in_mix'])} ms)",
                _met(p99["met_saturated"]),
            )
        )
        if "measured_in_paced_mix" in p99:
            rows.append(
                (
                    "#12 load",
                    (
                        f"talk-page p99 in the realistic mix, {f_users(fig)} visitors each making one "
                        f"request every {s['mix_pacing_s']} s ({_f(s['paced_mix_rps'])} req/s)"
                    ),
                    "< 150 ms",
                    f"{_f(p99['measured_in_paced_mix'])} ms",
                    _met(p99["met_paced_mix"]),
                )
            )
        rows.append(
            (
                "#12 load",
                "talk-page throughput / trivial-view ceiling",
                "≥ 40%",
                (
                    f"{s['talk_share_of_ceiling']:.0%} ({_f(s['talk_pages_alone']['rps'])} / "
                    f"{_f(s['ceiling_rps'])} req/s)"
                ),
                _met(t["talk_share_of_ceiling"]["met"]),
            )
        )
    return rows


def f_users(fig: dict) -> int:
    return fig["load"].get("users", 32)


def _table(header: list[str], rows: list[list]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_f(c) for c in row) + " |" for row in rows]
    return out


def section(name: str, r: dict, encode_ms: float | None = None) -> list[str]:
    f = r.get("figures") or {}
    out = [
        f"### {name}: {BENCHES[name][2]}",
        "",
        f"`{r['command']}` — {r['seconds']:.0f} s, load average {r['load_before']} → {r['load_after']}"
        + ("" if r["rc"] == 0 else f", **exit status {r['rc']}**"),
        "",
    ]
    if not f:
        return [
            *out,
            "No figures (the benchmark failed or printed no JSON line). End of its output:",
            "",
            "```",
            r["tail"],
            "```",
            "",
        ]
    if name == "import":
        out += _table(
            [
                "talks",
                "files",
                "database",
                "parse s",
                "parse + import s",
                "database part s",
                "db / parse",
            ],
            [
                [
                    f["talks"],
                    f["files"],
                    f["database"],
                    f["parse_s"],
                    f["import_s"],
                    f["db_s"],
                    f"{f['db_over_parse']}×",
                ]
            ],
        )
        if f.get("flat"):
            flat = [[row["pages"], row["parse_s"], row["us_per_page"]] for row in f["flat"]]
            out += ["", *_table(["pages parsed", "parse s", "µs / page"], flat)]
    elif name == "graph":
        out += _table(
            ["nodes", "parse s", "µs / node", "view s", "page KB"],
            [
                [
                    s["nodes"],
                    round(s["parse_s"], 4),
                    round(s["parse_us_per_node"], 1),
                    round(s.get("view_s", s.get("pyvis_s", 0.0)), 3),
                    round(s["page_bytes"] / 1024),
                ]
                for s in f["sizes"]
            ],
        )
        v = f["vault_map"]
        out += [
            "",
            (
                f"Vault map for {v['talks']:,} talks: {v['all_nodes']:,} nodes summarised to "
                f"{v['shown_nodes']} ({v['shared_concepts']} shared concepts) in {v['seconds']:.2f} s."
            ),
        ]
        if f.get("linking"):
            out += [
                "",
                "Concept linking by meaning (`graphs/linking.py`, generated 896-wide vectors; "
                "× base: µs per item ÷ the smallest size's, same run):",
                "",
                *_table(
                    ["talks", "items", "link s", "pairs examined", "links", "µs / item", "× base"],
                    [
                        [
                            r["talks"],
                            r["items"],
                            round(r["seconds"], 3),
                            r["candidate_pairs"],
                            r["links"],
                            round(r["us_per_item"], 1),
                            round(r["per_item_over_base"], 2),
                        ]
                        for r in f["linking"]
                    ],
                ),
            ]
    elif name == "search":
        out += _table(
            [
                "points",
                "path",
                "encode p50 ms",
                "rank p50 ms",
                "rank p95 ms",
                "total p50 ms",
                "total p95 ms",
                "rank / encode",
                "recall@10",
                "build pts/s",
            ],
            [
                [
                    x["points"],
                    x["path"],
                    x["encode_p50_ms"],
                    x["rank_p50_ms"],
                    x["rank_p95_ms"],
                    x["total_p50_ms"],
                    x["total_p95_ms"],
                    x["rank_over_encode"],
                    x["recall_at_10"],
                    ", ".join(f"{k} {v:,}" for k, v in x["build_points_per_s"].items()),
                ]
                for x in f["rows"]
            ],
        )
        out += [
            "",
            f"Encode throughput (every model, real corpus texts): {f['encode_points_per_s']} points/s.",
        ]
    elif name == "demo":
        keys = [k for k in f if isinstance(f[k], dict) and "p50" in f[k]]
        out += _table(
            ["figure", "p50 ms", "p95 ms"], [[k, f[k].get("p50"), f[k].get("p95")] for k in keys]
        )
        out += ["", f"Overhead (difference of the p50s): {f.get('overhead_ms_p50')} ms."]
    elif name == "wavenet":
        out += _table(
            [
                "receptive field",
                "naive ms/sample",
                "cached ms/sample",
                "compiled µs/sample",
                "cached/naive",
                "RTF naive",
                "RTF cached",
                "RTF compiled",
                "same samples",
            ],
            [
                [
                    x["receptive_field"],
                    round(x["naive_ms_per_sample"], 2),
                    round(x["cached_ms_per_sample"], 3),
                    round(x["compiled_us_per_sample"], 2),
                    f"{x['cached_over_naive']:.1f}×",
                    round(x["rtf_naive"], 1),
                    round(x["rtf_cached"], 2),
                    round(x["rtf_compiled"], 4),
                    x["same_samples"],
                ]
                for x in f["rows"]
            ],
        )
    elif name == "load":
        out += load_section(f, encode_ms)
    return [*out, ""]


def load_section(f: dict, encode_ms: float | None = None) -> list[str]:
    out = [
        f"{f['talks_published']:,} published talks (+ the corpus discussion); gunicorn `{f.get('gunicorn', '')}` "
        f"({f.get('gunicorn_workers')} workers); {f['users']} clients; setup (s): "
        + ", ".join(f"{k} {v}" for k, v in f["setup_s"].items())
        + ".",
        "",
    ]
    w = f.get("warmup", {})
    u = w.get("uncached_talk_page_ms", {})
    out += [
        (
            f"Warm-up: every worker's search index and models {w.get('search_warmup_s')} s; every talk page "
            f"once in each language {w.get('page_warmup_s')} s — uncached render p50 {u.get('p50')} ms, "
            f"p95 {u.get('p95')} ms ({u.get('n')} pages, {u.get('note', '')})."
        ),
        "",
    ]
    titles = {
        "ceiling": "Ceiling: `/healthz` alone",
        "talk_pages": "Talk pages alone (EN/ES over every talk)",
        "talk_pages_paced": f"Talk pages, each client sending one request every {f['summary']['pacing_s']} s",
        "mix": "Realistic mix, back to back (+ one client posting a demo run every 8 s)",
        "mix_paced": (
            f"Realistic mix, each visitor making one request every "
            f"{f['summary'].get('mix_pacing_s')} s (+ the demo client)"
        ),
    }
    for phase, stats in f["phases"].items():
        out += [f"**{titles.get(phase, phase)}**", ""]
        out += _table(
            ["endpoint", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms"],
            [
                [n, r["requests"], r["errors"], r["rps"], r["p50_ms"], r["p95_ms"], r["p99_ms"]]
                for n, r in stats.items()
            ],
        )
        out.append("")
    out.append(f"Demo runs posted during the mix, by final status: {f.get('demo_runs')}.")
    mix = f["phases"].get("mix", {})
    n_search = sum(r["requests"] for n, r in mix.items() if n.startswith("search"))
    total = mix.get("Aggregated", {})
    cpu_note = ""
    if encode_ms and n_search and total.get("rps"):
        seconds = total["requests"] / total["rps"]
        share = n_search * encode_ms / 1000 / ((os.cpu_count() or 2) * seconds)
        cpu_note = (
            f" (search_bench: encode p50 {encode_ms:.0f} ms): the mix's {n_search:,} searches "
            f"({n_search / total['requests']:.0%} of its requests) need about {share:.0%} of the "
            f"{os.cpu_count()} cores for that alone"
        )
    out += [
        "",
        "How to read these figures:",
        "",
        (
            "- Clients send their next request as soon as the answer arrives, so a phase runs the server at "
            "saturation and latency is mostly queueing (Little's law: mean latency ≈ clients ÷ throughput). The "
            "paced phase offers a load well below saturation and shows the latency a visitor sees."
        ),
        (
            "- Talk pages, the talk list, graph pages and the talks/graph API are served from the page cache "
            "(`talks/cache.py`, Redis here) once rendered; every talk page was rendered once before the phases "
            "(the uncached figure above). Talks are picked with Zipf popularity, so the long tail of graph pages "
            "and API details is still rendered for the first time during the mix."
        ),
        (
            "- The mix saturates the 2 cores. A search encodes the question with every embedding model"
            + cpu_note
            + "; cached pages wait in the same queue as searches and first renders, hence their long "
            "tail in the mix. Search and uncached renders are what to make cheaper (or move off the web "
            "processes) for more mixed throughput."
        ),
        (
            "- gunicorn runs `make serve-prod`'s configuration except `GUNICORN_MAX_REQUESTS=0`: with its default "
            "(recycle a worker after 5,000 requests) each worker would restart every half minute to few minutes at these rates, "
            "and a fresh worker spends its first search loading the models and the index of ~60k entries (the "
            "search warm-up above). The load generator shares the 2 cores with the server."
        ),
    ]
    return out


def write_report(
    results: dict[str, dict], info: dict, started: dt.datetime, total_s: float
) -> None:
    lines = [
        "# Benchmark report",
        "",
        (
            f"Generated by `make bench` (`bench/report.py`) on {started:%Y-%m-%d %H:%M} UTC in {total_s / 60:.1f} min, "
            f"commit `{info['commit']}`."
        ),
        "",
        "**Machine.** "
        + f"{info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB RAM, {info['os']}; "
        f"Python {info['python']}, Django {info['versions']['django']}, PostgreSQL {info['postgresql']}, "
        f"Redis {info['redis']}, gunicorn {info['versions']['gunicorn']}, locust {info['versions']['locust']}, "
        f"torch {info['versions']['torch']}, Celery {info['versions']['celery']}.",
        "",
        (
            "The machine is shared with other jobs (test runs, model training), which may run during the "
            "benchmarks and make absolute times noisier and slower than on an idle machine: each benchmark's "
            "1-minute load average before and after it is given with it (the load test raises its own). "
            "Ratios are measured within one run, against a baseline taken under the same load. The load "
            "generator (locust) runs on the same 2 cores as the server."
        ),
        "",
        "## Targets",
        "",
        *_table(["issue", "figure", "target", "measured", ""], [list(r) for r in targets(results)]),
        "",
        "## Figures",
        "",
    ]
    search_rows = ((results.get("search") or {}).get("figures") or {}).get("rows") or []
    encode_ms = search_rows[0]["encode_p50_ms"] if search_rows else None
    for name, r in results.items():
        lines += section(name, r, encode_ms)
    lines += [
        "Full outputs: `bench/results/<name>.log` (not committed). Regenerate with `make bench`."
    ]
    REPORT.write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", nargs="+", choices=list(BENCHES), help="run only these benchmarks")
    p.add_argument(
        "--skip", nargs="+", choices=list(BENCHES), default=[], help="skip these benchmarks"
    )
    p.add_argument(
        "--quick", action="store_true", help="tiny sizes: try the pipeline, not for figures"
    )
    p.add_argument(
        "--rewrite",
        action="store_true",
        help="only rewrite REPORT.md from the last run's bench/results/all.json",
    )
    args = p.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.rewrite:
        saved = json.loads((RESULTS / "all.json").read_text())
        write_report(
            saved["results"],
            saved["machine"],
            dt.datetime.fromisoformat(saved["started"]),
            saved["seconds"],
        )
        print(f"rewrote {REPORT.relative_to(ROOT)}")
        return 0
    started = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    info = machine()
    results = {
        name: run_bench(name, args.quick)
        for name in (args.only or BENCHES)
        if name not in args.skip
    }
    seconds = time.perf_counter() - t0
    (RESULTS / "all.json").write_text(
        json.dumps(
            {
                "machine": info,
                "results": results,
                "started": started.isoformat(),
                "seconds": seconds,
            },
            indent=1,
        )
    )
    write_report(results, info, started, seconds)
    print(f"wrote {REPORT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
