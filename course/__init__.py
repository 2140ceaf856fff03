"""The course harness: what every notebook and test uses to drive the playground.

In a notebook (top-level ``await`` works in Jupyter; ``asyncio.run`` would not)::

    import course

    pg = await course.start()                 # fresh database, migrated, lifespan running
    ada = await pg.user("ada", creator=True)  # registered (or found), logged in, a creator
    r = await pg.client.get("/posts", headers=ada.headers)
    course.show(r)                            # "HTTP 200 OK" + pretty, key-sorted JSON
    with pg.count_sql() as sql:
        await pg.client.get("/health")
    assert sql.count == 0
    async with pg.serve() as base_url:        # the same app under a real uvicorn
        ...
    await pg.close()

Every call can be made twice: a cell that runs again gets the same result. The app never
imports this package.

Rooms: this package is what a lesson imports; ``course.labs`` holds one module per lesson that
needs plumbing, named after it (``n19_sql`` for notebook 19); ``course.checks`` the exercise
checks, one per lesson (``n03``); ``course.maintain`` the maintainer's tools (refresh, re-run
check, site, canary, nbval plugin). Each layer imports only those before it.
"""

from course.counters import CallCounter, SQLCounter, count_calls, count_sql
from course.databases import TEST_DATABASE_URL
from course.display import RouteInfo, print_routes, routes, show, show_source, source
from course.exercises import Check, answered, check
from course.progress import progress
from course.pytest_run import PytestRun, run_pytest
from course.sandbox import (
    BASE_URL,
    DEFAULT_PASSWORD,
    FAST_HASHING,
    ROOMY_THROTTLES,
    Playground,
    User,
    start,
)
from course.server import serve

__all__ = [
    "BASE_URL",
    "DEFAULT_PASSWORD",
    "FAST_HASHING",
    "ROOMY_THROTTLES",
    "TEST_DATABASE_URL",
    "CallCounter",
    "Check",
    "Playground",
    "PytestRun",
    "RouteInfo",
    "SQLCounter",
    "User",
    "answered",
    "check",
    "count_calls",
    "count_sql",
    "print_routes",
    "progress",
    "routes",
    "run_pytest",
    "serve",
    "show",
    "show_source",
    "source",
    "start",
]
