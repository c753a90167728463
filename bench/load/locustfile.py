"""Locust mixes for the load test (run by ``bench/load/run_load.py``, headless, against loopback only).

User classes, one set per phase (the runner names them on the locust command line):

* ``CeilingUser``: only ``/healthz``, the trivial view: the same server's ceiling;
* ``TalkPageUser``: only talk pages, EN and ES, over every talk: talk-page throughput and latency;
* ``VisitorUser`` (+ one ``DemoUser``): the realistic mix: the talk list (with filters and pages),
  talk pages EN/ES/side by side, graph pages and the concept map, the search page and API, the
  talks/graph/demo JSON API, and a trickle of demo runs queued on Celery.

Clients send their next request as soon as the previous answer arrives (no think time), so
"32 users" means 32 requests always in flight. Inputs come from the environment:
``LOAD_TALKS_FILE`` (JSON ``[[slug, [languages], [graph languages]], …]`` of the published talks), ``LOAD_QUERIES_FILE`` (the search
evaluation queries, TSV). Never import this module in a Django process: locust monkey-patches.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, constant, constant_pacing, events, task

ROOT = Path(__file__).resolve().parents[2]
TALKS = json.loads(Path(os.environ.get("LOAD_TALKS_FILE", "/dev/null")).read_text() or "[]") or [
    ["missing", ["en"], ["en"]]
]
QUERIES = [
    line.split("\t")[4].strip()
    for line in Path(os.environ.get("LOAD_QUERIES_FILE", ROOT / "search/eval/queries.tsv"))
    .read_text()
    .splitlines()
    if line and not line.startswith(("#", "query_lang"))
]
LANGS = ("en", "es")
YEARS = range(2014, 2025)
EVENTS = ("iclr", "neurips", "icml")
API_PAGES = max(1, -(-len(TALKS) // 20))  # REST_FRAMEWORK PAGE_SIZE
LIST_PAGES = max(1, -(-len(TALKS) // 12))  # talks.views.PAGE_SIZE
# Popularity: talk k (in a fixed shuffled order) is visited with weight 1/k (Zipf, s = 1), as page
# views on content sites are; the top 10% of talks get about two thirds of the visits. Every talk
# still gets visits: the long tail is what keeps the page cache honest.
_ORDER = random.Random(12).sample(range(len(TALKS)), len(TALKS))
_WEIGHTS = [0.0] * len(TALKS)
for _rank, _i in enumerate(_ORDER, start=1):
    _WEIGHTS[_i] = 1.0 / _rank
_CUMULATIVE = list(itertools.accumulate(_WEIGHTS))


def _pick() -> list:
    return random.choices(TALKS, cum_weights=_CUMULATIVE)[0]


def _talk() -> str:
    return _pick()[0]


def _talk_with_graph() -> tuple[str, str]:
    """A talk and a language its concept graph exists in."""
    for _ in range(100):
        slug, _langs, graphs = _pick()
        if graphs:
            return slug, random.choice(graphs)
    return slug, "en"  # a vault without graphs: the 404 is then the answer under test


class CeilingUser(HttpUser):
    """The trivial view alone."""

    wait_time = constant(0)

    @task
    def healthz(self):
        self.client.get("/healthz", name="healthz")


class TalkPageUser(HttpUser):
    """Talk pages alone, in both languages, over every talk. ``LOAD_PACING_S`` > 0: each client sends
    one request every that many seconds (a paced load below saturation) instead of back to back."""

    pacing = float(os.environ.get("LOAD_PACING_S", "0"))
    wait_time = constant_pacing(pacing)

    def on_start(self):
        # Independent visitors: spread the clients' phases over one period (all start at once, and
        # constant pacing would otherwise keep them firing together in bursts of every client).
        if self.pacing:
            time.sleep(
                random.uniform(0, self.pacing)
            )  # gevent-patched: yields to the other clients

    @task
    def talk_page(self):
        lang = random.choice(LANGS)
        self.client.get(f"/{lang}/talks/{_talk()}/", name=f"talk page {lang}")


class VisitorUser(HttpUser):
    """The realistic mix (weights ≈ share of requests). ``LOAD_PACING_S`` > 0: each visitor makes one
    request every that many seconds (people read between clicks) instead of back to back."""

    pacing = float(os.environ.get("LOAD_PACING_S", "0"))
    wait_time = constant_pacing(pacing)

    def on_start(self):
        if (
            self.pacing
        ):  # independent visitors: spread their phases over one period (see TalkPageUser)
            time.sleep(random.uniform(0, self.pacing))

    @task(20)
    def talk_page_en(self):
        self.client.get(f"/en/talks/{_talk()}/", name="talk page en")

    @task(16)
    def talk_page_es(self):
        self.client.get(f"/es/talks/{_talk()}/", name="talk page es")

    @task(4)
    def talk_page_both(self):
        self.client.get(
            f"/{random.choice(LANGS)}/talks/{_talk()}/?show=both", name="talk page side by side"
        )

    @task(6)
    def talk_list(self):
        self.client.get(f"/{random.choice(LANGS)}/", name="talk list")

    @task(6)
    def talk_list_filtered(self):
        lang = random.choice(LANGS)
        query = random.choice(
            [
                f"year={random.choice(YEARS)}",
                f"language={random.choice(LANGS)}",
                f"event={random.choice(EVENTS)}-{random.choice(YEARS)}",
                f"page={random.randint(2, LIST_PAGES)}",
                f"language=es&page={random.randint(2, max(2, LIST_PAGES // 2))}",
            ]
        )
        self.client.get(f"/{lang}/?{query}", name="talk list filtered")

    @task(8)
    def graph_page(self):
        self.client.get(f"/{random.choice(LANGS)}/graph/talks/{_talk()}/", name="graph page")

    @task(1)
    def concept_map(self):
        self.client.get(f"/{random.choice(LANGS)}/graph/", name="concept map")

    @task(3)
    def search_page(self):
        self.client.get(
            f"/{random.choice(LANGS)}/search/",
            params={"q": random.choice(QUERIES)},
            name="search page",
        )

    @task(3)
    def search_api(self):
        self.client.get(
            "/api/search/",
            params={"q": random.choice(QUERIES), "lang": "any", "k": 10},
            name="search api",
        )

    @task(8)
    def api_talk_list(self):
        params = random.choice(
            [{}, {"language": random.choice(LANGS)}, {"page": random.randint(1, API_PAGES)}]
        )
        self.client.get("/api/talks/", params=params, name="api talks list")

    @task(10)
    def api_talk_detail(self):
        self.client.get(f"/api/talks/{_talk()}/", name="api talk detail")

    @task(4)
    def api_graph(self):
        slug, lang = _talk_with_graph()
        self.client.get(f"/api/talks/{slug}/graph/", params={"lang": lang}, name="api graph")

    @task(2)
    def api_demos(self):
        self.client.get("/api/demos/", name="api demos list")


class DemoUser(HttpUser):
    """A trickle of demo runs: one POST every DEMO_PACING_S seconds, within the per-client rate limit
    (10 runs a minute from one address), each with a fresh seed so the worker really runs it."""

    fixed_count = 1
    wait_time = constant_pacing(float(os.environ.get("DEMO_PACING_S", "8")))
    seed = random.randint(0, 10**6)

    @task
    def run_demo(self):
        DemoUser.seed += 1
        params = {"k": self.seed % 9, "seed": self.seed, "tau": "1e-2"}
        with self.client.post(
            "/api/demos/act/runs/",
            json={"params": params},
            name="demo run (POST)",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
            url = response.json()["url"]
        # Follow it once, without holding the connection (no ?wait): how pages poll.
        self.client.get(urlsplit(url).path, name="demo run (GET)")


# --- a hard cap on requests per phase (LOAD_MAX_REQUESTS), on top of the runner's -u and -t --------
_MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "0"))
_sent = 0


@events.request.add_listener
def _count(**_kwargs) -> None:
    global _sent
    _sent += 1
    if _MAX_REQUESTS and _sent == _MAX_REQUESTS and _ENV.runner is not None:
        _ENV.runner.quit()


_ENV = None


@events.init.add_listener
def _remember(environment, **_kwargs) -> None:
    global _ENV
    _ENV = environment
