# ruff: noqa: N999  (gunicorn's own file name for its config: gunicorn.conf.py)
"""gunicorn settings for ``make serve-prod``, sized for the 2-core machine the vault is budgeted on.

Every value can be overridden from the environment (``GUNICORN_WORKERS``, ``GUNICORN_THREADS``,
``GUNICORN_BIND``…) or on the command line. Why these defaults:

* **3 worker processes** (cores + 1): a request that encodes a search query holds its process's GIL
  for ~100 ms of CPU, so parallelism across cores needs processes, and one more than the cores keeps
  a core busy while another process waits on PostgreSQL. Each process loads torch and the search
  models on its first query, so 2 × cores + 1 would cost memory for no extra throughput here.
* **4 threads each** (gthread): page views mostly wait on the database and Redis, so 12 requests in
  flight keep both cores busy; a slow client never blocks a whole process.
* Torch uses one thread per process (``OMP_NUM_THREADS=1``; ``search/embedders.py`` also sets it):
  3 processes × 2 BLAS threads on 2 cores only contend.
* No recycling by default (``GUNICORN_MAX_REQUESTS=0``): a new process pays ~35 s (minutes under
  load) to load the search models and index, so recycling every few thousand requests made searches
  time out under the load test; no leak is known. Set ``GUNICORN_MAX_REQUESTS`` to bound one.
  ``timeout`` kills a worker stuck for 30 s (demo runs happen in Celery, never in a request).
* Each worker warms search in a background thread as it starts (``post_worker_init``; ``SEARCH_WARMUP=0``
  turns it off): the first query then finds the models and the index loaded; pages are served
  meanwhile.
"""

from __future__ import annotations

import multiprocessing
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vault.settings")

wsgi_app = "vault.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
backlog = 512
# Heartbeat files in RAM, not on a disk that may stall under load.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# gunicorn's control socket (gunicornc) beside the app's other state, one per instance: the default,
# ~/.gunicorn/gunicorn.ctl, would be shared by every gunicorn on the machine (a load test beside a
# running server would take it over).
control_socket = os.path.join(
    os.environ.get("VAULT_VAR_DIR", os.path.join(os.path.dirname(__file__), "..", "var")),
    "gunicorn.ctl",
)

# Only a proxy on this machine may say the request came over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
limit_request_line = 8190
limit_request_fields = 100

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # "" turns it off (load tests)
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
proc_name = "knowledge-vault"


def post_worker_init(worker) -> None:
    """Load the search models and the vector index in the background (see the module docstring)."""
    if os.environ.get("SEARCH_WARMUP", "1") == "0":
        return
    import threading

    def warm() -> None:
        try:
            from search.engine import SearchParams, search

            search(SearchParams(q="warm-up query", lang="any", k=1))
            worker.log.info("search warmed up")
        except Exception:  # a cold search still works; never take the worker down for this
            worker.log.exception("search warm-up failed")

    threading.Thread(target=warm, name="search-warmup", daemon=True).start()
