"""Accord's own settings for the benchmarks' HTTP server, with the floor view's URL added (see bench/urls.py).

Everything else (DEBUG off, the database, the middleware, the task queue) is what `accord run` serves with.
"""

from accord.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
