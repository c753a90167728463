"""Load test of the production setup: gunicorn + PostgreSQL + Redis (cache and broker) + a Celery worker,
the vault scaled to 1,000 talks, driven by locust over loopback.

Steps (each timed): create the database (``vault_load`` on ``postgres://postgres@127.0.0.1:5432``) and
empty two Redis databases of its own (broker, cache); migrate, collect static files (shared with
``make setup``), import the corpus, ``scale_vault --talks N`` (which indexes the corpus and gives the
generated points its vectors); start a Celery worker and ``make serve-prod``'s gunicorn
(``vault/gunicorn.conf.py``, production settings, bound to loopback over plain HTTP with
``SECURE_SSL_REDIRECT=0``); warm up (each worker's search index and models; every talk page once,
which also measures uncached renders); then five locust phases at ``--users`` clients:

1. ``ceiling``: ``/healthz`` alone, back to back: the same server's trivial-view throughput;
2. ``talk pages``: talk pages alone (EN/ES), back to back: throughput and latency at saturation;
3. ``talk pages paced``: the same, each client sending one request every ``--pacing`` seconds;
4. ``mix``: the realistic mix of ``locustfile.VisitorUser`` (back to back) plus a trickle of demo runs;
5. ``mix paced``: the same mix, each visitor making one request every ``--mix-pacing`` seconds.

Talks are picked with Zipf popularity (see the locustfile). Prints requests/s, p50/p95/p99 and errors
per endpoint, the targets (0 errors, talk-page p99 < 150 ms, talk-page throughput ≥ 40% of the
ceiling), and, last, one JSON line with every figure (also written to
``bench/load/results/latest.json``; the locust CSVs and server logs beside it).

    .venv/bin/python bench/load/run_load.py [--talks 1000] [--users 32] [--mix-seconds 60] [--fresh]

Loopback only, bounded in users, time and requests. Locust runs as a subprocess (it monkey-patches).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import csv
import json
import os
import resource
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "load" / "results"
PG = "postgres://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379"
TARGET_P99_MS = 150
TARGET_SHARE = 0.40


def log(msg: str) -> None:
    print(msg, flush=True)


def environment(args) -> dict[str, str]:
    var = ROOT / "var" / "load"
    var.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vault.settings",
        "DATABASE_URL": f"{PG}/{args.db}",
        "CELERY_BROKER_URL": f"{REDIS}/{args.redis_db}",
        "CACHE_URL": f"{REDIS}/{args.redis_db + 1}",
        "VAULT_VAR_DIR": str(var),
        # The corpus texts' vectors were encoded before: reuse them (search/entries.py's disk cache).
        "SEARCH_EMBEDDING_CACHE": str(ROOT / "var" / "search-embeddings.sqlite3"),
        "SECRET_KEY": "load-test-only-" + "x" * 40,
        "DEBUG": "0",
        # The production settings (make serve-prod), except that plain HTTP on loopback is not
        # redirected to HTTPS (HSTS, secure cookies and the CSP stay as in production).
        "VAULT_ENV": "production",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "DEMOS_TORCH_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "LOG_LEVEL": "WARNING",
        # Steady state: no worker recycling during the test. With the production default (5,000
        # requests), each worker restarts every minute or so at these rates, and a restarted worker
        # pays the search warm-up (models + index of ~60k entries: ~35 s idle, minutes under load)
        # on its next query. Reported with the figures.
        "GUNICORN_MAX_REQUESTS": "0",
    }


def manage(env: dict, *cmd: str) -> float:
    log(f"manage.py {' '.join(cmd)}")
    t0 = time.perf_counter()
    subprocess.run(
        [str(BIN / "python"), "manage.py", *cmd],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL if "-v0" in cmd else None,
    )
    return time.perf_counter() - t0


def collect_static(env: dict) -> float:
    """Share ``var/staticfiles`` (``make setup`` collects it with the same storage); collect only if stale.

    Collecting with WhiteNoise's compression takes minutes here, for files the load test never asks for.
    """
    shared, mine = ROOT / "var" / "staticfiles", Path(env["VAULT_VAR_DIR"]) / "staticfiles"
    shared.mkdir(parents=True, exist_ok=True)
    if not mine.is_symlink():
        if mine.exists():
            subprocess.run(["rm", "-rf", str(mine)], check=True)
        mine.symlink_to(shared)
    manifest = shared / "staticfiles.json"
    sources = [
        p
        for d in [ROOT / "static", *ROOT.glob("*/static"), *ROOT.glob("demos/plugins/*/static")]
        for p in d.rglob("*")
        if p.is_file()
    ]
    if (
        manifest.exists()
        and max((p.stat().st_mtime for p in sources), default=0) < manifest.stat().st_mtime
    ):
        log("static files: current (shared with make setup)")
        return 0.0
    return manage(env, "collectstatic", "--noinput", "-v0")


def prepare_database(args) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.db]).fetchone()
        if exists and args.fresh:
            conn.execute(f'DROP DATABASE "{args.db}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{args.db}"')


def flush_redis(args) -> None:
    import redis

    for db in (args.redis_db, args.redis_db + 1):
        redis.Redis.from_url(f"{REDIS}/{db}").flushdb()


def published_talks(args) -> list[list]:
    """[[slug, [languages], [languages with a concept graph]], …] of the published talks."""
    import psycopg

    with psycopg.connect(f"{PG}/{args.db}") as conn:
        rows = conn.execute(
            "SELECT t.slug, array_agg(tr.lang ORDER BY tr.lang), "
            "array(SELECT g.lang FROM graphs_conceptgraph g WHERE g.talk_id = t.id ORDER BY g.lang) "
            "FROM talks_talk t JOIN talks_talktranslation tr ON tr.talk_id = t.id "
            "WHERE t.status = 'published' AND t.kind = 'invited_talk' GROUP BY t.id, t.slug ORDER BY t.slug"
        ).fetchall()
    return [[slug, list(langs), list(graphs)] for slug, langs, graphs in rows]


def demo_runs(args, since: float) -> dict[str, int]:
    import psycopg

    with psycopg.connect(f"{PG}/{args.db}") as conn:
        rows = conn.execute(
            "SELECT status, count(*) FROM demos_demorun WHERE created_at >= to_timestamp(%s) GROUP BY status",
            [since],
        ).fetchall()
    return {status: n for status, n in rows}


def start(cmd: list[str], env: dict, name: str) -> subprocess.Popen:
    logfile = open(RESULTS / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def gunicorn_cmd(args) -> list[str]:
    """``make serve-prod``'s gunicorn (vault/gunicorn.conf.py), bound to a loopback port of our own."""
    cmd = [str(BIN / "gunicorn"), "vault.wsgi:application", "--bind", f"127.0.0.1:{args.port}"]
    conf = ROOT / "vault" / "gunicorn.conf.py"
    if conf.exists():
        cmd += ["-c", str(conf)]
    else:  # an older tree without the production config: the same shape, stated here
        cmd += ["--workers", "3", "--worker-class", "gthread", "--threads", "4"]
    if args.workers:
        cmd += ["--workers", str(args.workers)]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    return cmd


def fetch(url: str, timeout: float = 120) -> tuple[int, float, str]:
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            return (
                response.status,
                time.perf_counter() - t0,
                response.headers.get("X-Page-Cache", ""),
            )
    except urllib.error.HTTPError as exc:
        return exc.code, time.perf_counter() - t0, ""


def wait_until_up(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if fetch(f"{base}/healthz", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer /healthz")


def warm_up(base: str, slugs: list[str], workers: int) -> dict:
    """Every worker's search (models + index), then every talk page once in each language."""
    out = {}
    t0 = time.perf_counter()
    with cf.ThreadPoolExecutor(workers * 2) as pool:
        for _round in range(6):
            times = list(
                pool.map(
                    lambda _i: fetch(
                        f"{base}/api/search/?q=memory+networks&lang=any&k=10", timeout=900
                    )[1],
                    range(workers * 2),
                )
            )
            if max(times) < 2:
                break
    out["search_warmup_s"] = round(time.perf_counter() - t0, 1)
    t0 = time.perf_counter()
    urls = [f"{base}/{lang}/talks/{slug}/" for slug in slugs for lang in ("en", "es")]
    with cf.ThreadPoolExecutor(4) as pool:
        results = list(pool.map(fetch, urls))
    misses = sorted(t for status, t, state in results if state == "miss")
    errors = sum(status != 200 for status, _t, _s in results)
    out["page_warmup_s"] = round(time.perf_counter() - t0, 1)
    out["uncached_talk_page_ms"] = {
        "n": len(misses),
        "p50": round(1000 * misses[len(misses) // 2], 1) if misses else None,
        "p95": round(1000 * misses[int(len(misses) * 0.95)], 1) if misses else None,
        "errors": errors,
        "note": "4 concurrent clients, each page rendered once (cache miss)",
    }
    return out


#: CPU use per phase (filled by ``run_locust``; see ``cpu_seconds``).
CPU: dict[str, dict[str, float]] = {}
#: The process trees whose CPU is counted by name (set in ``main``: gunicorn, the Celery worker).
TREES: dict[str, int] = {}


def _cpu(proc) -> float:
    try:
        t = proc.cpu_times()
        return t.user + t.system
    except Exception:  # noqa: BLE001 — gone or not ours to read: counts nothing
        return 0.0


def _named(name: str) -> float:
    import psutil

    return sum(_cpu(p) for p in psutil.process_iter(["name"]) if p.info["name"] == name)


def cpu_seconds() -> dict[str, float]:
    """CPU seconds (user + system) used so far by each part: our process trees (``TREES``),
    PostgreSQL's and Redis' processes, the finished children of this script (during a phase, only
    the load generator finishes), and the machine as a whole (busy and total, all cores)."""
    import psutil

    out = {}
    for name, pid in TREES.items():
        try:
            root = psutil.Process(pid)
            out[name] = sum(_cpu(p) for p in [root, *root.children(recursive=True)])
        except psutil.NoSuchProcess:
            out[name] = 0.0
    out["postgresql"] = _named("postgres")
    out["redis"] = _named("redis-server")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    out["load generator"] = children.ru_utime + children.ru_stime
    t = psutil.cpu_times()
    out["machine busy"] = t.user + t.nice + t.system + t.irq + t.softirq + getattr(t, "steal", 0)
    out["machine total"] = out["machine busy"] + t.idle + getattr(t, "iowait", 0)
    return out


def cpu_use(before: dict[str, float], after: dict[str, float], seconds: float) -> dict[str, float]:
    """Cores used on average by each part over ``seconds``, and the machine's busy share."""
    out = {
        k: round((after[k] - before[k]) / seconds, 2) for k in before if not k.startswith("machine")
    }
    total = after["machine total"] - before["machine total"]
    out["machine busy share"] = (
        round((after["machine busy"] - before["machine busy"]) / total, 3) if total else 0.0
    )
    return out


def run_locust(
    base: str,
    env: dict,
    name: str,
    classes: list[str],
    users: int,
    seconds: int,
    max_requests: int,
    **extra_env: str,
) -> dict:
    prefix = RESULTS / name.replace(" ", "_")
    cmd = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench/load/locustfile.py"),
        "--headless",
        "--only-summary",
        "-u",
        str(users),
        "-r",
        str(users),
        "-t",
        f"{seconds}s",
        "--stop-timeout",
        "10",
        "--host",
        base,
        "--csv",
        str(prefix),
        "--exit-code-on-error",
        "0",
        "--loglevel",
        "WARNING",
        *classes,
    ]
    env = {**env, "LOAD_MAX_REQUESTS": str(max_requests), **extra_env}
    before, t0 = cpu_seconds(), time.perf_counter()
    subprocess.run(
        cmd,
        cwd=ROOT,
        env=env,
        check=True,
        timeout=seconds + 120,
        stdout=open(f"{prefix}.log", "w"),  # noqa: SIM115 — the child process owns it
        stderr=subprocess.STDOUT,
    )
    CPU[name] = cpu_use(before, cpu_seconds(), time.perf_counter() - t0)
    log(
        f"{name}: cores used: "
        + ", ".join(f"{k} {v}" for k, v in CPU[name].items() if k != "machine busy share")
        + f"; the machine busy {100 * CPU[name]['machine busy share']:.0f}% of the time"
    )
    return read_stats(Path(f"{prefix}_stats.csv"))


def read_stats(path: Path) -> dict:
    endpoints = {}
    with path.open() as f:
        for row in csv.DictReader(f):
            endpoints[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 1),
                "p50_ms": _num(row["50%"]),
                "p95_ms": _num(row["95%"]),
                "p99_ms": _num(row["99%"]),
                "mean_ms": round(float(row["Average Response Time"]), 1),
                "max_ms": _num(row["Max Response Time"]),
            }
    return endpoints


def _num(value: str) -> float | None:
    return None if value in ("", "N/A") else round(float(value), 1)


def talk_rows(stats: dict) -> dict:
    return {k: v for k, v in stats.items() if k.startswith("talk page")}


def combined(rows: dict) -> dict:
    """Requests, errors, rps of several endpoints together; worst p99 among them."""
    return {
        "requests": sum(r["requests"] for r in rows.values()),
        "errors": sum(r["errors"] for r in rows.values()),
        "rps": round(sum(r["rps"] for r in rows.values()), 1),
        "p99_ms": max((r["p99_ms"] or 0) for r in rows.values()) if rows else None,
    }


def print_table(title: str, stats: dict) -> None:
    log(f"\n{title}")
    log(
        f"{'endpoint':30}{'requests':>9}{'errors':>7}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
    )
    for name, r in stats.items():
        log(
            f"{name:30}{r['requests']:>9}{r['errors']:>7}{r['rps']:>8}{r['p50_ms'] or '':>8}{r['p95_ms'] or '':>8}"
            f"{r['p99_ms'] or '':>8}"
        )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--talks", type=int, default=1000, help="talks in the vault (scale_vault --talks)"
    )
    p.add_argument("--users", type=int, default=32, help="concurrent clients in every phase")
    p.add_argument(
        "--ceiling-seconds", type=int, default=30, help="length of the trivial-view phase"
    )
    p.add_argument("--talk-seconds", type=int, default=30, help="length of the talk-pages phase")
    p.add_argument("--mix-seconds", type=int, default=60, help="length of each mixed phase")
    p.add_argument(
        "--mix-pacing",
        type=float,
        default=1.0,
        help="seconds between one visitor's requests in the paced mix (people read between clicks)",
    )
    p.add_argument(
        "--pacing",
        type=float,
        default=0.5,
        help="seconds between one client's requests in the paced talk-page phase",
    )
    p.add_argument(
        "--max-requests", type=int, default=200_000, help="hard cap on requests per phase"
    )
    p.add_argument("--db", default="vault_load", help="PostgreSQL database (created if missing)")
    p.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    p.add_argument(
        "--redis-db",
        type=int,
        default=7,
        help="Redis database for the broker (the next one: cache)",
    )
    p.add_argument("--port", type=int, default=8765, help="loopback port for gunicorn")
    p.add_argument(
        "--workers", type=int, default=0, help="override the gunicorn config's worker processes"
    )
    p.add_argument(
        "--threads", type=int, default=0, help="override the gunicorn config's threads per worker"
    )
    args = p.parse_args(argv)

    RESULTS.mkdir(parents=True, exist_ok=True)
    env = environment(args)
    base = f"http://127.0.0.1:{args.port}"
    figures: dict = {"users": args.users, "talks_target": args.talks, "setup_s": {}}

    prepare_database(args)
    flush_redis(args)
    setup = figures["setup_s"]
    setup["migrate"] = round(manage(env, "migrate", "--noinput", "-v0"), 1)
    setup["collectstatic"] = round(collect_static(env), 1)
    setup["import_vault"] = round(manage(env, "import_vault", "-v0"), 1)
    # scale_vault indexes the corpus talks it varies (the embedding cache makes that quick) and
    # copies their vectors to the generated ones: no rebuild_search_index over 60k entries.
    setup["scale_vault"] = round(
        manage(env, "scale_vault", "--talks", str(args.talks), "--quiet"), 1
    )
    flush_redis(args)  # index tasks the imports queued: the corpus is indexed already
    talks = published_talks(args)
    slugs = [talk[0] for talk in talks]
    figures["talks_published"] = len(talks)
    figures["translations"] = sum(len(talk[1]) for talk in talks)
    talks_file = RESULTS / "talks.json"
    talks_file.write_text(json.dumps(talks))
    env["LOAD_TALKS_FILE"] = str(talks_file)

    procs = []
    try:
        procs.append(
            start(
                [
                    str(BIN / "celery"),
                    "-A",
                    "vault",
                    "worker",
                    "--concurrency",
                    "1",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel",
                    "WARNING",
                ],
                env,
                "worker",
            )
        )
        gcmd = gunicorn_cmd(args)
        figures["gunicorn"] = " ".join(gcmd[1:])
        procs.append(start(gcmd, env, "gunicorn"))
        TREES.update({"web (gunicorn)": procs[1].pid, "celery worker": procs[0].pid})
        wait_until_up(base)
        workers = int(
            subprocess.run(
                ["pgrep", "-c", "-P", str(procs[1].pid)],
                check=False,
                capture_output=True,
                text=True,
            ).stdout.strip()
            or 1
        )
        figures["gunicorn_workers"] = workers
        log(f"gunicorn up ({workers} workers): {figures['gunicorn']}")
        figures["warmup"] = warm_up(base, slugs, workers)
        log(f"warm-up: {figures['warmup']}")

        phases = {}
        phases["ceiling"] = run_locust(
            base,
            env,
            "ceiling",
            ["CeilingUser"],
            args.users,
            args.ceiling_seconds,
            args.max_requests,
        )
        print_table("ceiling: /healthz alone", phases["ceiling"])
        phases["talk_pages"] = run_locust(
            base,
            env,
            "talk pages",
            ["TalkPageUser"],
            args.users,
            args.talk_seconds,
            args.max_requests,
        )
        print_table("talk pages alone", phases["talk_pages"])
        phases["talk_pages_paced"] = run_locust(
            base,
            env,
            "talk pages paced",
            ["TalkPageUser"],
            args.users,
            args.talk_seconds,
            args.max_requests,
            LOAD_PACING_S=str(args.pacing),
        )
        print_table(
            f"talk pages, each client one request every {args.pacing} s", phases["talk_pages_paced"]
        )
        mix_started = time.time()
        phases["mix"] = run_locust(
            base,
            env,
            "mix",
            ["VisitorUser", "DemoUser"],
            args.users,
            args.mix_seconds,
            args.max_requests,
        )
        print_table("realistic mix", phases["mix"])
        phases["mix_paced"] = run_locust(
            base,
            env,
            "mix paced",
            ["VisitorUser", "DemoUser"],
            args.users,
            args.mix_seconds,
            args.max_requests,
            LOAD_PACING_S=str(args.mix_pacing),
        )
        print_table(
            f"realistic mix, each visitor one request every {args.mix_pacing} s",
            phases["mix_paced"],
        )
        time.sleep(5)
        figures["demo_runs"] = demo_runs(args, mix_started - 1)
        figures["phases"] = phases
        figures["cpu_cores"] = CPU
    finally:
        for proc in reversed(procs):
            stop(proc)

    ceiling = phases["ceiling"]["healthz"]["rps"]
    alone = combined(talk_rows(phases["talk_pages"]))
    paced = combined(talk_rows(phases["talk_pages_paced"]))
    in_mix = combined(talk_rows(phases["mix"]))
    in_paced_mix = combined(talk_rows(phases["mix_paced"]))
    errors = sum(r["errors"] for ph in phases.values() for n, r in ph.items() if n != "Aggregated")
    figures["summary"] = {
        "ceiling_rps": ceiling,
        "talk_pages_alone": alone,
        "talk_pages_paced": paced,
        "pacing_s": args.pacing,
        "talk_pages_in_mix": in_mix,
        "mix_rps": phases["mix"].get("Aggregated", {}).get("rps"),
        "talk_pages_in_paced_mix": in_paced_mix,
        "mix_pacing_s": args.mix_pacing,
        "paced_mix_rps": phases["mix_paced"].get("Aggregated", {}).get("rps"),
        "talk_share_of_ceiling": round(alone["rps"] / ceiling, 3) if ceiling else None,
        "errors": errors,
        "targets": {
            "errors": {"target": 0, "measured": errors, "met": errors == 0},
            "talk_p99_ms": {
                "target": f"< {TARGET_P99_MS}",
                "measured_alone": alone["p99_ms"],
                "measured_paced": paced["p99_ms"],
                "measured_in_mix": in_mix["p99_ms"],
                "met_saturated": (alone["p99_ms"] or 1e9) < TARGET_P99_MS,
                "met_paced": (paced["p99_ms"] or 1e9) < TARGET_P99_MS,
                "measured_in_paced_mix": in_paced_mix["p99_ms"],
                "met_paced_mix": (in_paced_mix["p99_ms"] or 1e9) < TARGET_P99_MS,
            },
            "talk_share_of_ceiling": {
                "target": f">= {TARGET_SHARE}",
                "measured": round(alone["rps"] / ceiling, 3) if ceiling else None,
                "met": bool(ceiling) and alone["rps"] / ceiling >= TARGET_SHARE,
            },
        },
    }
    s = figures["summary"]
    log(
        f"\nceiling {ceiling} req/s; talk pages alone {alone['rps']} req/s = {s['talk_share_of_ceiling']:.0%} "
        f"of it (target ≥ {TARGET_SHARE:.0%}); talk-page p99 {alone['p99_ms']} ms saturated, {paced['p99_ms']} ms "
        f"paced, {in_mix['p99_ms']} ms in the mix, {in_paced_mix['p99_ms']} ms in the paced mix (target < {TARGET_P99_MS} ms); errors {errors} (target 0); "
        f"demo runs {figures['demo_runs']}"
    )
    (RESULTS / "latest.json").write_text(json.dumps(figures, indent=1))
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
