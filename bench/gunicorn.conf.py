"""gunicorn settings for `make bench`: the production shape on loopback (2 sync workers, app preloaded)."""

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
    """Load the search dictionary before the workers fork, when the search module provides a loader."""
    try:
        from policies import segmentation
    except ImportError:
        return
    for name in ("load", "warm_up", "initialize"):
        loader = getattr(segmentation, name, None)
        if callable(loader):
            loader()
            return
