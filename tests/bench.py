"""`make bench`: measure the course and the API once, write BENCHMARKS.md.

A benchmark, not a test: nothing here asserts a timing. Run with ``python -m tests.bench``.
"""

import asyncio
import contextlib
import os
import platform
import queue
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import aiosqlite
import asyncpg
import httpx
import nbformat
from nbformat.v4 import new_code_cell, new_notebook
from sqlalchemy import make_url, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.concurrency import run_in_threadpool

import course
from playground import database, migrations
from playground.auth import utils as auth_utils
from playground.auth.models import AuthUser
from playground.config import Settings
from playground.domains.posts.models import Post
from playground.main import create_app
from tests import bench_app, bench_setup, pg_wire

ROOT = Path(__file__).parents[1]
KERNEL = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
OUTPUT = ROOT / "BENCHMARKS.md"
# Written by hand from a profile (see its header): a profiler is not part of the pinned set.
WHERE_THE_TIME_GOES = Path(__file__).with_name("bench_profile.md")
WRK_CONNECTIONS = 16
WRK_THREADS = 2
WRK_SECONDS = 8  # per route, in WRK_ROUNDS turns
WRK_ROUNDS = 4
WRK_WARMUP_SECONDS = 2
WRK_TIMEOUT_SECONDS = 30
# PostgreSQL's statistics: a backend reports its session at the end of its first transaction
# (or at exit), to shared memory that another backend then reads.
STATS_DELAY_SECONDS = 0.5
LIST_ROUTE = "/posts"
LIST_LIMIT = 20
WIRE_WARMUP = 20
WIRE_REQUESTS = 50
WIRE_SETTLE_SECONDS = 0.5
SEEDED_POSTS = 50
PING_N = 10
PING_DELAY = 0.1
NBVAL = ["--nbval", "--nbval-current-env", "-p", "no:cacheprovider", "-q", "-n", "auto"]
NBVAL += ["-p", "course.maintain.nbval_ipc"]  # the same kernels as `make test` (IPC)
SANITIZE = ROOT / "course" / "maintain" / "nbval_sanitize.cfg"


# ---------------------------------------------------------------- notebooks


def _pytest_wall(paths: list[Path], cwd: Path) -> tuple[float, str]:
    """Wall time of strict nbval over ``paths`` and pytest's outcome ("16 passed")."""
    started = time.perf_counter()
    command = [sys.executable, "-m", "pytest", *NBVAL, "--dist", "loadfile", f"--rootdir={cwd}"]
    # Without --rootdir, the sanitize file's path makes "/" the root, every notebook outside
    # the project gets the same node id, and xdist runs one of them ("1 passed").
    command += ["--nbval-sanitize-with", str(SANITIZE), *map(str, paths)]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    outcome = re.search(r"(\d+ \w+(?:, \d+ \w+)*) in [\d.]+s", done.stdout)
    return seconds, outcome[1] if outcome else f"pytest exited {done.returncode}"


def notebook_times() -> tuple[tuple[float, str], tuple[float, str], dict[str, float]]:
    """Strict nbval wall time of the course, of as many trivial notebooks, and each notebook's."""
    suite = _pytest_wall(NOTEBOOKS, ROOT)
    with tempfile.TemporaryDirectory() as folder:
        trivial = []
        for index in range(len(NOTEBOOKS)):
            source = "import fastapi, httpx, pydantic, sqlalchemy\nimport course"
            # nbformat ships no annotations: its calls are untyped, so each is ignored by name.
            cell = new_code_cell(source, execution_count=1)  # type: ignore[no-untyped-call]
            notebook = new_notebook(cells=[cell], metadata=KERNEL)  # type: ignore[no-untyped-call]
            path = Path(folder) / f"trivial_{index:02d}.ipynb"
            nbformat.write(notebook, path)  # type: ignore[no-untyped-call]
            trivial.append(path)
        floor = _pytest_wall(trivial, Path(folder))
        each = _each_under_nbval(Path(folder) / "notebooks.xml")
    return suite, floor, each


def _each_under_nbval(report: Path) -> dict[str, float]:
    """Each notebook's seconds in one strict nbval run, one notebook at a time.

    What pytest times for the notebook's cells, setup and teardown included: its kernel's
    start (nbval starts one per notebook) and kill, not pytest's own start-up.
    """
    serial = [option if option != "auto" else "0" for option in NBVAL]  # -n 0
    command = [sys.executable, "-m", "pytest", *serial, "--nbval-sanitize-with", str(SANITIZE)]
    command.append(f"--junitxml={report}")
    subprocess.run([*command, *map(str, NOTEBOOKS)], cwd=ROOT, capture_output=True, check=False)
    seconds = dict.fromkeys((notebook.name for notebook in NOTEBOOKS), 0.0)
    for case in ElementTree.parse(report).iter("testcase"):  # classname: notebooks.<file>
        seconds[case.get("classname", "").removeprefix("notebooks.")] += float(case.get("time", 0))
    return seconds


# ---------------------------------------------------------------- served throughput


@dataclass
class Load:
    route: str
    rps: float
    p50_ms: float
    p99_ms: float
    sessions: int | None = None  # new PostgreSQL sessions during the warm-up and the runs
    cpu_ms: float | None = None  # the server process's CPU per request (Linux: /proc)


@dataclass
class Served:
    """A seeded uvicorn process and what wrk needs to call its routes."""

    base_url: str
    pid: int
    targets: list[tuple[str, str, dict[str, str]]]  # (route template, path, headers)
    database_url: str
    server: str | None  # the PostgreSQL server, or None (SQLite)
    wire: pg_wire.Wire | None = None  # what the app sent PostgreSQL, with ``relay=True``


# What `make serve` runs and production installs (uvicorn[standard]): named, not left to
# uvicorn's "auto", so a missing one fails instead of falling back to asyncio and h11.
SERVING_STACK = ("uvloop", "httptools")
PG_SERVER_VARIABLES = ("PLAYGROUND_TEST_DATABASE_URL", "PLAYGROUND_DATABASE_URL")


def take_pg_server() -> str | None:
    """The PostgreSQL server `make bench` started (``.ci/with-postgres``), or None.

    Taken out of the environment: the notebooks, the in-process counts and the SQLite server
    run on SQLite as under `make test`, the PostgreSQL sections on this server.
    """
    found = [os.environ.pop(name, None) for name in PG_SERVER_VARIABLES]
    return next((url for url in found if url), None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wrk_version() -> str:
    """``wrk -v`` prints its version and exits non-zero; the first line is enough."""
    done = subprocess.run([_wrk(), "-v"], capture_output=True, text=True)
    return (done.stdout or done.stderr).splitlines()[0].split(" Copyright")[0]


def _wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("bench: wrk not found; run through `make bench`, which installs it")
    return path


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"bench: unexpected wrk latency {text!r}")
    return float(match[1]) * _UNITS[match[2]]


Measured = tuple[float, float, float, int]  # requests/s, p50 ms, p99 ms, requests


def run_wrk(url: str, headers: dict[str, str], seconds: int) -> Measured:
    """(requests/s, p50 ms, p99 ms, requests) from one wrk run; any non-2xx response or error
    stops it."""
    command = [_wrk(), f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s", "--latency"]
    command += [f"--timeout={WRK_TIMEOUT_SECONDS}s"]  # a slow response is a latency, not an error
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    report = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in report or "Socket errors" in report:
        raise SystemExit(f"bench: wrk saw failures on {url}:\n{report}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", report)[1])  # type: ignore[index]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", report, re.M)[1])  # type: ignore[index]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", report, re.M)[1])  # type: ignore[index]
    requests = int(re.search(r"(\d+) requests in", report)[1])  # type: ignore[index]
    return rps, p50, p99, requests


async def _admin(server: str, statement: str) -> None:
    """One statement on the server's own database, outside a transaction."""
    connection = await asyncpg.connect(bench_app.asyncpg_dsn(server), ssl=False)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextmanager
def bench_database(server: str | None) -> Iterator[str]:
    """A migrated throwaway database: a SQLite file, or a new database on ``server``."""
    if server is None:
        folder = Path(tempfile.mkdtemp(prefix="playground-bench-"))
        database_url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
        try:
            asyncio.run(_migrate(database_url))
            yield database_url
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    name = f"playground_bench_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(server, f'CREATE DATABASE "{name}"'))
    try:
        database_url = make_url(server).set(database=name).render_as_string(hide_password=False)
        asyncio.run(_migrate(database_url))
        yield database_url
    finally:
        asyncio.run(_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _sessions(server: str, database: str) -> int:
    """``pg_stat_database.sessions`` of ``database``: sessions ever opened to it."""
    connection = await asyncpg.connect(bench_app.asyncpg_dsn(server), ssl=False)
    try:
        count = await connection.fetchval(
            "SELECT sessions FROM pg_stat_database WHERE datname = $1", database
        )
    finally:
        await connection.close()
    return int(count)


def pg_sessions(served: Served) -> int | None:
    """New sessions a backend reports at its first transaction's end, at most 1 s late."""
    if served.server is None:
        return None
    time.sleep(STATS_DELAY_SECONDS)
    return asyncio.run(_sessions(served.server, str(make_url(served.database_url).database)))


@contextmanager
def served_app(
    server: str | None = None,
    *,
    env: dict[str, str] | None = None,
    stack: tuple[str, str] = SERVING_STACK,
    relay: bool = False,
) -> Iterator[Served]:
    """uvicorn (one worker, ``stack``: loop and HTTP parser) on loopback, over a migrated
    throwaway database (SQLite, or a database on the PostgreSQL ``server``), seeded; with
    ``relay``, the app reaches PostgreSQL through a relay that counts the messages."""
    with contextlib.ExitStack() as stack_of_contexts:
        database_url = app_database_url = stack_of_contexts.enter_context(bench_database(server))
        wire = None
        if relay:
            app_database_url, wire = stack_of_contexts.enter_context(
                pg_wire.relay_in_thread(database_url)
            )
        folder = Path(tempfile.mkdtemp(prefix="playground-bench-"))  # cwd: no .env read
        stack_of_contexts.callback(shutil.rmtree, folder, ignore_errors=True)
        port = _free_port()
        environment = {
            **os.environ,
            "PLAYGROUND_DATABASE_URL": app_database_url,
            "PLAYGROUND_ENVIRONMENT": "local",
            **(env or {}),
        }
        command = [sys.executable, "-m", "uvicorn", "tests.bench_app:create_bench_app"]
        command += ["--factory", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
        command += ["--loop", stack[0], "--http", stack[1], "--log-level", "warning"]
        process = subprocess.Popen([*command, "--no-access-log"], env=environment, cwd=folder)
        base_url = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=base_url, timeout=30) as client:
                _wait_until_up(client)
                targets = _seed(client, floor=server is not None)
            yield Served(base_url, process.pid, targets, database_url, server, wire)
        finally:
            process.terminate()
            process.wait(timeout=10)


async def _migrate(database_url: str) -> None:
    app = create_app(Settings(_env_file=None, DATABASE_URL=database_url))
    await migrations.upgrade(app.state.engine)
    await app.state.engine.dispose()


def _wait_until_up(client: httpx.Client) -> None:
    for _ in range(200):
        try:
            client.get("/health").raise_for_status()
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise SystemExit("bench: uvicorn did not start")


def _seed(client: httpx.Client, *, floor: bool) -> list[tuple[str, str, dict[str, str]]]:
    """A creator with posts (through the API), and the routes to load."""
    user = {"username": "bench", "email": "bench@example.com", "password": "bench-password"}
    registered = client.post("/auth/users", json={**user, "first_name": "Bench"})
    account = registered.raise_for_status().json()
    user_id, profile_id = account["id"], account["profile_id"]
    login = {"username": user["username"], "password": user["password"]}
    token = client.post("/auth/token", data=login).raise_for_status().json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    post_ids = [
        client.post("/posts", json={"title": f"t{i}", "body": "b" * 500}, headers=headers)
        .raise_for_status()
        .json()["id"]
        for i in range(SEEDED_POSTS)
    ]
    client.patch(
        f"/profiles/{profile_id}", json={"is_creator": True}, headers=headers
    ).raise_for_status()
    post_id = post_ids[len(post_ids) // 2]
    floor_path = bench_app.FLOOR_PATH.format(post_id=post_id)
    if floor:  # the same body as the read route, or the floor measures something else
        assert client.get(floor_path).json() == client.get(f"/posts/{post_id}").json()
    return [
        ("/health", "/health", {}),
        ("/posts/{post_id}", f"/posts/{post_id}", {}),
        ("/users/{user_id}/posts/{post_id}", f"/users/{user_id}/posts/{post_id}", headers),
        (LIST_ROUTE, f"/posts?limit={LIST_LIMIT}", {}),
        *([(bench_app.FLOOR_PATH, floor_path, {})] if floor else []),
    ]


def served_throughput(
    server: str | None = None,
    *,
    env: dict[str, str] | None = None,
    stack: tuple[str, str] = SERVING_STACK,
) -> list[Load]:
    """Every route under wrk against one seeded uvicorn process: a warm-up each, then
    WRK_ROUNDS rounds in which every route runs WRK_SECONDS / WRK_ROUNDS seconds in turn, so
    that a change in the machine's load falls on every route alike (the ratios are what a
    shared machine can report). On PostgreSQL, with the sessions the app opened meanwhile."""
    with served_app(server, env=env, stack=stack) as served:
        runs: dict[str, list[Measured]] = {}
        sessions: dict[str, int] = {}
        cpu_used: dict[str, float] = {}

        def run(route: str, path: str, headers: dict[str, str], seconds: int) -> Measured:
            before = pg_sessions(served)
            cpu = cpu_seconds(served.pid)
            measured = run_wrk(served.base_url + path, headers, seconds)
            if cpu is not None:
                cpu_used[route] = cpu_used.get(route, 0.0) + (cpu_seconds(served.pid) or 0) - cpu
            after = pg_sessions(served)
            if before is not None and after is not None:
                sessions[route] = sessions.get(route, 0) + after - before
            return measured

        for route, path, headers in served.targets:
            run(route, path, headers, WRK_WARMUP_SECONDS)
        cpu_used.clear()  # per request: the rounds' CPU over the rounds' requests
        for _ in range(WRK_ROUNDS):
            for route, path, headers in served.targets:
                runs.setdefault(route, []).append(
                    run(route, path, headers, WRK_SECONDS // WRK_ROUNDS)
                )
        loads = []
        for route, _, _ in served.targets:
            requests = sum(run[3] for run in runs[route])
            loads.append(
                Load(
                    route,
                    rps=statistics.fmean(run[0] for run in runs[route]),
                    p50_ms=statistics.median(run[1] for run in runs[route]),
                    p99_ms=max(run[2] for run in runs[route]),
                    sessions=sessions.get(route),
                    cpu_ms=cpu_used[route] / requests * 1000 if route in cpu_used else None,
                )
            )
        return loads


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU a process has used, from ``/proc/<pid>/stat`` (None elsewhere)."""
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        return None
    fields = stat.read_text().rsplit(")", 1)[1].split()  # after the command's "(name)"
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- one read, layer by layer

LAYER_READS = 2000
LAYER_CONCURRENCY = 16
LAYER_ROUNDS = 3
POST_SQL = "SELECT id, author_id, title, body, created_at, updated_at FROM post WHERE id = ?"

Read = Callable[[], Awaitable[object]]


async def _cpu_per_read(read: Read) -> tuple[float, float]:
    """(reads/s, CPU ms per read of the whole process) for LAYER_READS reads, 16 at a time."""
    left = LAYER_READS // 10

    async def worker() -> None:
        nonlocal left
        while left > 0:
            left -= 1
            await read()

    await asyncio.gather(*(worker() for _ in range(LAYER_CONCURRENCY)))  # warm up
    left = LAYER_READS
    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(LAYER_CONCURRENCY)))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return LAYER_READS / wall, cpu / LAYER_READS * 1000


async def _in_turn(reads: list[tuple[str, Read]]) -> list[tuple[str, float, float]]:
    """(name, reads/s, CPU ms per read) of each way, the medians of LAYER_ROUNDS turns taken
    in rotation (a change in the machine's load falls on every way alike)."""
    measured: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in reads}
    for _ in range(LAYER_ROUNDS):
        for name, read in reads:
            measured[name].append(await _cpu_per_read(read))
    return [
        (
            name,
            statistics.median(rate for rate, _ in measured[name]),
            statistics.median(cpu for _, cpu in measured[name]),
        )
        for name, _ in reads
    ]


async def _one_post(sessionmaker: async_sessionmaker[AsyncSession]) -> uuid.UUID:
    """A post of 500 characters by a user of its own (a fresh name: one database may hold
    several); its id."""
    name = uuid.uuid4().hex[:12]
    async with sessionmaker() as session:
        author = AuthUser(
            username=name, email=f"{name}@example.com", password_hash="-", first_name="x"
        )
        session.add(author)
        await session.flush()
        post = Post(author_id=author.id, title="t", body="b" * 500)
        session.add(post)
        await session.commit()
        return post.id


async def read_layers() -> list[tuple[str, float, float]]:
    """One post read by id four ways, from the app's ORM call down to sqlite3 in a thread."""
    folder = Path(tempfile.mkdtemp(prefix="playground-layers-"))
    path = folder / "layers.db"
    engine = database.create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await migrations.upgrade(engine)
        sessionmaker = database.create_sessionmaker(engine)
        post_id = await _one_post(sessionmaker)

        async def orm() -> object:
            async with sessionmaker() as session:
                return await session.get(Post, post_id)

        statement = select(Post.__table__).where(Post.__table__.c.id == post_id)

        async def core() -> object:
            async with engine.connect() as connection:
                return (await connection.execute(statement)).first()

        connections: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        for _ in range(LAYER_CONCURRENCY):
            connections.put_nowait(await aiosqlite.connect(path))

        async def raw_aiosqlite() -> object:
            db = await connections.get()
            try:
                async with db.execute(POST_SQL, (post_id.hex,)) as cursor:
                    return await cursor.fetchall()
            finally:
                connections.put_nowait(db)

        threaded: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        for _ in range(LAYER_CONCURRENCY):
            threaded.put(sqlite3.connect(path, check_same_thread=False))

        def blocking_read() -> object:
            db = threaded.get()
            try:
                return db.execute(POST_SQL, (post_id.hex,)).fetchall()
            finally:
                threaded.put(db)

        async def raw_thread() -> object:
            return await run_in_threadpool(blocking_read)

        rows = await _in_turn(
            [
                ("ORM: `AsyncSession.get(Post, id)` (what the app does)", orm),
                ("Core: `AsyncConnection.execute(select(post))`", core),
                ("aiosqlite: `execute` + `fetchall`, no SQLAlchemy", raw_aiosqlite),
                ("sqlite3 in the thread pool (`run_in_threadpool`)", raw_thread),
            ]
        )
        while not connections.empty():
            await connections.get_nowait().close()
        while not threaded.empty():
            threaded.get_nowait().close()
        return rows
    finally:
        await engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)


async def read_layers_postgres(database_url: str) -> list[tuple[str, float, float]]:
    """One post read by id on PostgreSQL, from a GET's ORM read down to asyncpg alone."""
    settings = Settings(_env_file=None, DATABASE_URL=database_url)
    engine = database.create_engine(database_url, **settings.engine_options())
    pool = await asyncpg.create_pool(
        bench_app.asyncpg_dsn(database_url),
        min_size=LAYER_CONCURRENCY,
        max_size=LAYER_CONCURRENCY,
        ssl=False,
        reset=bench_app.nothing_to_reset,
    )
    try:
        writes = database.create_sessionmaker(engine)
        reads = database.create_read_sessionmaker(engine)
        post_id = await _one_post(writes)

        async def orm_read() -> object:
            async with reads() as session:
                return await session.get(Post, post_id)

        async def orm_transaction() -> object:
            async with writes() as session:
                return await session.get(Post, post_id)

        autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        statement = select(Post.__table__).where(Post.__table__.c.id == post_id)

        async def core() -> object:
            async with autocommit.connect() as connection:
                return (await connection.execute(statement)).first()

        async def raw() -> object:
            return await pool.fetchrow(bench_app.FLOOR_SQL, post_id)

        return await _in_turn(
            [
                ("ORM, a GET's session (autocommit): `AsyncSession.get(Post, id)`", orm_read),
                ("ORM in a transaction (`BEGIN`, `SELECT`, `ROLLBACK`)", orm_transaction),
                ("Core, autocommit: `AsyncConnection.execute(select(post))`", core),
                ("asyncpg: `Pool.fetchrow`, no SQLAlchemy (the floor's read)", raw),
            ]
        )
    finally:
        await pool.close()
        await engine.dispose()


# What the app's observability costs a request: the bench app in-process (no HTTP server, no
# client), each setting an app of its own, all alive at once and measured in rotation.
OBSERVED: list[tuple[str, dict[str, Any]]] = [
    ("the app's defaults: metrics, no spans (no OTLP endpoint)", {}),
    ("spans made as well (`PLAYGROUND_TRACING=true`)", {"TRACING": True}),
    ("neither metrics nor spans (`PLAYGROUND_METRICS=false`)", {"METRICS": False}),
]


def _asgi_get(app: Any, state: Mapping[str, Any], path: str) -> Read:
    """A GET of ``path`` straight through the ASGI app, as uvicorn would call it."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": [(b"host", b"bench")], "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }  # fmt: skip

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start" and message["status"] != 200:
            raise SystemExit(f"bench: GET {path} answered {message['status']}")

    async def get() -> None:
        await app({**scope, "state": dict(state)}, receive, send)

    return get


async def observability_costs(database_url: str) -> list[tuple[str, float, float]]:
    """CPU per request of the read route and its floor under each of OBSERVED, in-process."""
    reads: list[tuple[str, Read]] = []
    async with contextlib.AsyncExitStack() as stack:
        for name, overrides in OBSERVED:
            settings = Settings(_env_file=None, DATABASE_URL=database_url, **overrides)
            app = bench_app.create_bench_app(settings)
            stack.push_async_callback(app.state.engine.dispose)
            state = await stack.enter_async_context(app.router.lifespan_context(app)) or {}
            post_id = await _one_post(app.state.sessionmaker)
            reads.append((f"{name}|read", _asgi_get(app, state, f"/posts/{post_id}")))
            floor = bench_app.FLOOR_PATH.format(post_id=post_id)
            reads.append((f"{name}|floor", _asgi_get(app, state, floor)))
        return await _in_turn(reads)


def observability_lines(costs: list[tuple[str, float, float]]) -> list[str]:
    cpu = {name: ms for name, _, ms in costs}
    names = [name for name, _ in OBSERVED]
    default, traced, bare = (cpu[f"{name}|read"] for name in names)
    return [
        "## One read through the whole app on PostgreSQL, in-process: what observability costs",
        "",
        f"The bench app called straight through ASGI (no server, no client), {LAYER_CONCURRENCY}"
        f" at a time; CPU of the process per request over {LAYER_READS} requests, the median of"
        f" {LAYER_ROUNDS} turns; each setting an app of its own, all measured in rotation.",
        "",
        "| settings | `/posts/{post_id}` CPU (ms) | its floor's CPU (ms) | read ÷ floor, CPU |",
        "|---|---|---|---|",
        *(
            f"| {name} | {cpu[f'{name}|read']:.2f} | {cpu[f'{name}|floor']:.2f} "
            f"| {cpu[f'{name}|floor'] / cpu[f'{name}|read']:.2f}× |"
            for name in names
        ),
        "",
        f"- Spans nobody collects cost the read **{traced - default:.2f} ms** of CPU a request"
        f" ({traced / default:.2f}× the default's); metrics {default - bare:.2f} ms.",
        "",
    ]


def layer_lines(title: str, layers: list[tuple[str, float, float]]) -> list[str]:
    return [
        f"## {title} ({LAYER_CONCURRENCY} at a time, in-process)",
        "",
        "CPU of the whole process (event loop and driver threads) per read, over "
        f"{LAYER_READS} reads; the median of {LAYER_ROUNDS} turns taken in rotation.",
        "",
        "| how | reads/s | CPU per read (ms) | CPU vs the first |",
        "|---|---|---|---|",
        *(
            f"| {name} | {rate:.0f} | {cpu:.2f} | {cpu / layers[0][2]:.2f} |"
            for name, rate, cpu in layers
        ),
        "",
    ]


# ---------------------------------------------------------------- counts per route


Call = Callable[[course.Playground, dict[str, str]], Awaitable[httpx.Response]]


async def counts_per_route() -> list[tuple[str, int, int, int]]:
    """(route, status, SQL statements, JWT decodes) for one representative request per route."""
    async with await course.start(settings={"PING_DELAY_SECONDS": 0}, s3=True) as pg:
        ada = await pg.user("ada", creator=True)
        bob = await pg.user("bob")
        post = (
            await pg.client.post("/posts", json={"title": "t", "body": "b"}, headers=ada.headers)
        ).json()
        victim = (
            await pg.client.post("/posts", json={"title": "t", "body": "b"}, headers=ada.headers)
        ).json()
        c = pg.client
        h = ada.headers
        pid, uid = post["id"], ada.id
        file = {"filename": "a.txt", "content_type": "text/plain", "size": 5}
        staged = (await c.post(f"/posts/{pid}/attachments", json=file, headers=h)).json()
        async with httpx.AsyncClient() as s3:  # the client's upload, straight to S3
            upload = staged["upload"]
            form = {"file": ("a.txt", b"hello")}  # the signed form's fields, then the file
            (await s3.post(upload["url"], data=upload["fields"], files=form)).raise_for_status()
        aid = staged["attachment"]["id"]
        calls: dict[str, Callable[[], Awaitable[httpx.Response]]] = {
            "POST /auth/users": lambda: pg.register("carol"),
            "POST /auth/token": lambda: c.post(
                "/auth/token", data={"username": "bob", "password": course.DEFAULT_PASSWORD}
            ),
            "GET /auth/users/me": lambda: c.get("/auth/users/me", headers=h),
            "POST /posts": lambda: c.post("/posts", json={"title": "t", "body": "b"}, headers=h),
            "GET /posts": lambda: c.get("/posts"),
            "GET /posts/summary": lambda: c.get("/posts/summary"),
            "GET /posts/{post_id}": lambda: c.get(f"/posts/{pid}"),
            "PUT /posts/{post_id}": lambda: c.put(
                f"/posts/{pid}", json={"title": "u", "body": "v"}, headers=h
            ),
            "DELETE /posts/{post_id}": lambda: c.delete(f"/posts/{victim['id']}", headers=h),
            "GET /posts/{post_id}/reviews": lambda: c.get(f"/posts/{pid}/reviews"),
            "POST /posts/{post_id}/reviews": lambda: c.post(
                f"/posts/{pid}/reviews", json={"rating": 5}, headers=bob.headers
            ),
            "POST /posts/{post_id}/attachments": lambda: c.post(
                f"/posts/{pid}/attachments", json=file, headers=h
            ),
            "POST /posts/{post_id}/attachments/{attachment_id}/complete": lambda: c.post(
                f"/posts/{pid}/attachments/{aid}/complete", headers=h
            ),
            "GET /posts/{post_id}/attachments": lambda: c.get(f"/posts/{pid}/attachments"),
            "GET /users/{user_id}/posts/{post_id}": lambda: c.get(
                f"/users/{uid}/posts/{pid}", headers=h
            ),
            "GET /profiles/{profile_id}": lambda: c.get(f"/profiles/{ada.profile_id}"),
            "PATCH /profiles/{profile_id}": lambda: c.patch(
                f"/profiles/{ada.profile_id}", json={"bio": "hi"}, headers=h
            ),
            "GET /creators/{profile_id}": lambda: c.get(f"/creators/{ada.profile_id}"),
            "POST /users/{user_id}/email": lambda: c.post(
                f"/users/{uid}/email", json={"subject": "s", "body": "b"}, headers=h
            ),
            "GET /users/{user_id}/emails": lambda: c.get(f"/users/{uid}/emails", headers=h),
            "GET /pings/terrible": lambda: c.get("/pings/terrible"),
            "GET /pings/good": lambda: c.get("/pings/good"),
            "GET /pings/perfect": lambda: c.get("/pings/perfect"),
            "GET /": lambda: c.get("/"),
            "GET /health": lambda: c.get("/health"),
            "GET /health/ready": lambda: c.get("/health/ready"),
            "GET /metrics": lambda: c.get("/metrics"),
        }
        routes = [f"{r.methods} {r.path}" for r in course.routes(pg.app)]
        missing = set(routes) - set(calls)
        if missing:
            raise SystemExit(f"bench: no sample request for {sorted(missing)}")
        rows = []
        for route in routes:
            with (
                pg.count_sql() as sql,
                course.count_calls(auth_utils, "decode_access_token") as jwt,
            ):
                response = await calls[route]()
            rows.append((route, response.status_code, sql.count, jwt.calls))
        return rows


async def pings() -> list[tuple[str, float]]:
    """PING_N concurrent requests per ping route, total time as a multiple of one delay."""
    async with await course.start(settings={"PING_DELAY_SECONDS": PING_DELAY}) as pg:
        ratios = []
        for name in ("terrible", "good", "perfect"):
            started = time.perf_counter()
            await asyncio.gather(*(pg.client.get(f"/pings/{name}") for _ in range(PING_N)))
            ratios.append((name, (time.perf_counter() - started) / PING_DELAY))
        return ratios


# ---------------------------------------------------------------- report


def served_lines(loads: list[Load], *, postgres: str | None = None) -> list[str]:
    """One served section: the set-up, then one row per route and the ratios.

    ``postgres``: the server's version, for the PostgreSQL section (with its new sessions and
    the floor); None for SQLite's.
    """
    rows = {load.route: load for load in loads}
    health, post = rows["/health"], rows["/posts/{post_id}"]
    chained, listed = rows["/users/{user_id}/posts/{post_id}"], rows[LIST_ROUTE]
    database = (
        f"a throwaway database on PostgreSQL {postgres} (a cluster on loopback, as "
        "`make test-postgres` starts it)"
        if postgres
        else "a throwaway SQLite database"
    )
    sessions = " new sessions |" if postgres else ""
    lines = [
        f"## Served by uvicorn on {'PostgreSQL' if postgres else 'SQLite'}, driven by wrk "
        f"({wrk_version()})",
        "",
        f"- Client: wrk, {WRK_CONNECTIONS} connections, {WRK_THREADS} threads, keep-alive; "
        f"a {WRK_WARMUP_SECONDS} s warm-up per route, then {WRK_SECONDS} s per route in "
        f"{WRK_ROUNDS} rounds of {WRK_SECONDS // WRK_ROUNDS} s, the routes in turn (a change "
        "in the machine's load falls on all of them); requests/s is the rounds' mean, p50 "
        "their median, p99 their highest",
        f"- Server: one uvicorn worker ({', '.join(SERVING_STACK)}: `make serve`'s), access log "
        f"off, on 127.0.0.1; {database}, migrated and seeded with one creator and "
        f"{SEEDED_POSTS} posts; the app's own settings (pool, SSL mode) at their defaults",
        "- Client and server share the machine (wrk takes CPU from the server too); *CPU per "
        "request* is the server process's own (user and system, from `/proc`) over the rounds' "
        "requests: what a request costs the worker, which a busy machine disturbs less than "
        "requests/s",
    ]
    if postgres:
        lines += [
            f"- `{bench_app.FLOOR_PATH}` (the bench's app only, `tests/bench_app.py`): the same "
            "read with the raw driver (asyncpg, a pool of its own, one prepared SELECT) in the "
            "same process, answered through the same response model",
            "- New sessions: PostgreSQL's `pg_stat_database.sessions` for the app's database, "
            f"over the route's {WRK_WARMUP_SECONDS + WRK_SECONDS} s of load (warm-up and rounds)",
        ]

    def cpu(load: Load) -> str:
        return "–" if load.cpu_ms is None else f"{load.cpu_ms:.2f}"

    lines += [
        "",
        f"| route | requests/s | p50 (ms) | p99 (ms) | vs `/health` | CPU per request (ms) |"
        f"{sessions}",
        "|---|---|---|---|---|---|" + ("---|" if postgres else ""),
        *(
            f"| `{load.route}` | {load.rps:.0f} | {load.p50_ms:.1f} | {load.p99_ms:.1f} | "
            f"{load.rps / health.rps:.2f} | {cpu(load)} |"
            + (f" {load.sessions} |" if postgres else "")
            for load in loads
        ),
        "",
        f"- `/posts/{{post_id}}` ÷ `/health`: **{post.rps / health.rps:.2f}×**",
        f"- `/users/{{user_id}}/posts/{{post_id}}` ÷ `/posts/{{post_id}}`: "
        f"**{chained.rps / post.rps:.2f}×**",
        f"- `{LIST_ROUTE}` (a page of {LIST_LIMIT}) ÷ `/posts/{{post_id}}`: "
        f"**{listed.rps / post.rps:.2f}×**",
    ]
    if postgres:
        floor = rows[bench_app.FLOOR_PATH]
        lines.append(
            f"- `/posts/{{post_id}}` ÷ its floor `{bench_app.FLOOR_PATH}`: "
            f"**{post.rps / floor.rps:.2f}×** in requests/s"
            + (
                f", **{floor.cpu_ms / post.cpu_ms:.2f}×** in CPU per request (the floor's ÷ "
                "the route's)"
                if floor.cpu_ms and post.cpu_ms
                else ""
            )
        )
    return [*lines, ""]


@dataclass
class OnTheWire:
    """Per request, what the app sent PostgreSQL (the relay's counts over WIRE_REQUESTS)."""

    route: str
    connections: float
    round_trips: float
    simple_queries: dict[str, float]  # text -> times per request
    prepares: float
    executes: float


def wire_counts(
    server: str, *, env: dict[str, str] | None = None, stack: tuple[str, str] = SERVING_STACK
) -> list[OnTheWire]:
    """Each route WIRE_REQUESTS times, one at a time, with the app reaching PostgreSQL through
    a counting relay; after a warm-up, so a connection's set-up is counted only if it churns."""
    with served_app(server, env=env, stack=stack, relay=True) as served:
        wire = served.wire
        assert wire is not None
        rows = []
        with httpx.Client(base_url=served.base_url, timeout=30) as client:
            for route, path, headers in served.targets:
                for _ in range(WIRE_WARMUP):
                    client.get(path, headers=headers).raise_for_status()
                time.sleep(WIRE_SETTLE_SECONDS)  # the chained route's background tasks end
                wire.reset()
                for _ in range(WIRE_REQUESTS):
                    client.get(path, headers=headers).raise_for_status()
                time.sleep(WIRE_SETTLE_SECONDS)
                n = WIRE_REQUESTS
                rows.append(
                    OnTheWire(
                        route=route,
                        connections=wire.connections / n,
                        round_trips=wire.round_trips / n,
                        simple_queries={q: c / n for q, c in wire.simple_queries.items()},
                        prepares=wire.client["P"] / n,
                        executes=wire.client["E"] / n,
                    )
                )
        return rows


def wire_lines(rows: list[OnTheWire]) -> list[str]:
    def simple(queries: dict[str, float]) -> str:
        one_line = {" ".join(text.split()): times for text, times in queries.items()}
        return ", ".join(f"`{text}` ×{times:g}" for text, times in sorted(one_line.items()))

    return [
        "## On the wire to PostgreSQL, per request",
        "",
        f"Each route {WIRE_REQUESTS} times one at a time after {WIRE_WARMUP} warm-up requests, "
        "the served app reaching PostgreSQL through a relay that counts the protocol's messages "
        "(`tests/pg_wire.py`). A round trip is a wait for the server's `ReadyForQuery`: one per "
        "simple query (`BEGIN`, `COMMIT`, `ROLLBACK`) and one per prepare or execute of a "
        "prepared statement (SQLAlchemy's asyncpg driver prepares each statement once per "
        "connection). The chained route's counts include its background task's writes.",
        "",
        "| route | round trips | simple queries | prepares | statements executed "
        "| new connections |",
        "|---|---|---|---|---|---|",
        *(
            f"| `{row.route}` | {row.round_trips:g} | {simple(row.simple_queries) or 'none'} | "
            f"{row.prepares:g} | {row.executes:g} | {row.connections:g} |"
            for row in rows
        ),
        "",
    ]


async def _server_version(server: str) -> str:
    connection = await asyncpg.connect(bench_app.asyncpg_dsn(server), ssl=False)
    try:
        return str(await connection.fetchval("SHOW server_version")).split()[0]
    finally:
        await connection.close()


def postgres_lines(server: str | None) -> list[str]:
    """The PostgreSQL sections: served under wrk, then on the wire; or why they are missing."""
    if server is None:
        return [
            "## Served by uvicorn on PostgreSQL",
            "",
            "Not measured: no PostgreSQL server (`make bench` starts one, as `make test-postgres`"
            " does).",
            "",
        ]
    version = asyncio.run(_server_version(server))
    served = served_lines(served_throughput(server), postgres=version)
    wire = wire_lines(wire_counts(server))
    with bench_database(server) as database_url:
        layers = asyncio.run(read_layers_postgres(database_url))
        observed = asyncio.run(observability_costs(database_url))
    title = "One read of a post by id on PostgreSQL, layer by layer"
    return [*served, *wire, *layer_lines(title, layers), *observability_lines(observed)]


def main() -> None:
    pg_server = take_pg_server()
    if sys.argv[1:] == ["served"]:  # only the served sections, to stdout
        print("\n".join([*served_lines(served_throughput()), *postgres_lines(pg_server)]))
        return
    if sys.argv[1:] == ["postgres"]:  # only the PostgreSQL sections, to stdout
        print("\n".join(postgres_lines(pg_server)))
        return
    if sys.argv[1:] == ["observability"] and pg_server:  # only the in-process costs, to stdout
        with bench_database(pg_server) as database_url:
            print("\n".join(observability_lines(asyncio.run(observability_costs(database_url)))))
        return
    if sys.argv[1:] == ["setup"]:  # only the set-up section, to stdout
        print("\n".join(bench_setup.set_up_lines(*bench_setup.set_up_times())))
        return
    if sys.argv[1:] == ["layers"]:
        print("\n".join(layer_lines("SQLite", asyncio.run(read_layers()))))
        if pg_server:
            with bench_database(pg_server) as database_url:
                layers = asyncio.run(read_layers_postgres(database_url))
            print("\n".join(layer_lines("PostgreSQL", layers)))
        return
    started = time.perf_counter()
    set_up = bench_setup.set_up_times()  # first: downloads and installs on a quiet machine
    suite, floor, each = notebook_times()
    loads = served_throughput()
    postgres = postgres_lines(pg_server)
    layers = asyncio.run(read_layers())
    counts = asyncio.run(counts_per_route())
    ping_ratios = asyncio.run(pings())
    packages = ["fastapi", "starlette", "pydantic", "sqlalchemy", "uvicorn", "aiosqlite", "nbval"]
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` from one run; numbers vary between runs and machines.",
        "`make test` checks correctness only; nothing here is a threshold.",
        "",
        f"- Machine: {os.cpu_count()} cores, {platform.machine()}, {platform.system()}",
        f"- Python {platform.python_version()}; "
        + ", ".join(f"{name} {version(name)}" for name in packages),
        f"- Run took {time.perf_counter() - started:.0f} s",
        "",
        "## Notebooks under strict nbval (`pytest --nbval -n auto --dist loadfile`)",
        "",
        "| what | wall time (s) |",
        "|---|---|",
        f"| the course: {len(NOTEBOOKS)} notebooks ({suite[1]}) | {suite[0]:.1f} |",
        f"| floor: {len(NOTEBOOKS)} trivial notebooks importing the same libraries "
        f"({floor[1]}) | {floor[0]:.1f} |",
        f"| the course over the floor | {suite[0] / floor[0]:.2f}× |",
        "",
        "Each notebook alone (`-n 0`), as pytest times its cells: the kernel's start and kill",
        "included, pytest's own start-up not.",
        "",
        "| notebook | under strict nbval (s) |",
        "|---|---|",
        *(f"| `{name}` | {seconds:.1f} |" for name, seconds in each.items()),
        "",
        *served_lines(loads),
        *postgres,
        *bench_setup.set_up_lines(*set_up),
        WHERE_THE_TIME_GOES.read_text().strip(),
        "",
        *layer_lines("One read of a post by id on SQLite, layer by layer", layers),
        "## SQL statements and JWT decodes per request (counted in-process)",
        "",
        "In-process, `ASGITransport` waits for background tasks, so their statements are counted",
        "too (the email outbox INSERT and UPDATE).",
        "",
        "| route | status | SQL statements | JWT decodes |",
        "|---|---|---|---|",
        *(f"| `{route}` | {status} | {sql} | {jwt} |" for route, status, sql, jwt in counts),
        "",
        f"## Pings: {PING_N} concurrent requests, delay {PING_DELAY} s (in-process)",
        "",
        "| route | total time ÷ one delay |",
        "|---|---|",
        *(f"| `/pings/{name}` | {ratio:.1f} |" for name, ratio in ping_ratios),
        "",
    ]
    OUTPUT.write_text("\n".join(lines))
    print(f"wrote {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
