"""gunicorn settings for `make bench`: the production shape on loopback (2 sync workers, app preloaded)."""

import gc
import os

bind = os.environ.get("BENCH_BIND", "127.0.0.1:8765")
workers = int(os.environ.get("BENCH_WORKERS", "2"))
worker_class = "sync"
# Load Django (and whatever it imports) once in the master, so workers share it copy-on-write.
preload_app = True
# Long enough for the slowest uncached page at 100,000 commitments; the bench bounds its own time.
timeout = int(os.environ.get("BENCH_WORKER_TIMEOUT", "120"))
graceful_timeout = 5
accesslog = None
errorlog = "-"
loglevel = "warning"


def on_starting(server):
    """Load jieba and its dictionary in the master, after the app is preloaded and before the
    workers fork, so that no worker pays for it on its first search; then freeze what is loaded, as
    deploy/gunicorn.conf.py does."""
    from policies import search

    search.warm_up()
    # What the master has loaded lives as long as the workers: out of the cycle collector's sight, which
    # otherwise walked all of it (Django, the app, jieba's dictionary) in each worker's full collections,
    # a pause of tens of milliseconds every twenty-odd requests; frozen, it is also not written to by the
    # collector, so the workers keep sharing its memory pages.
    gc.freeze()
