"""Notebook 25's plumbing: the playground under ``uvicorn --workers N`` in a child process, its
log read line by line (each line carries the pid that wrote it), and clients pinned to a worker.

The server is left running across cells, as a second terminal would be, and is always stopped:
by ``stop()``, by ``start()`` of a new one, when the kernel exits, and by itself when the kernel
was killed (a watchdog thread in the server; POSIX: it watches its parent pid). SIGTERM is a
POSIX stop; on Windows uvicorn's supervisor wants CTRL_BREAK_EVENT: not ported.
"""

import asyncio
import atexit
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from course import apps, local_s3
from course.sandbox import DEFAULT_PASSWORD, FAST_HASHING, Playground
from course.server import captured_logs
from playground import migrations
from playground.config import Settings
from playground.database import create_engine
from playground.domains.notifications.config import NotificationsConfig
from playground.main import create_app

APP = "playground.main:app"
PROCESS_HEADER = "x-process-id"
# What the lesson's server is told, as environment variables (``make serve`` reads the same).
SETTINGS = {
    "PLAYGROUND_ENVIRONMENT": "local",
    "PLAYGROUND_PING_DELAY_SECONDS": "0.5",  # /pings/terrible blocks a worker this long
    "PLAYGROUND_AWS_ENDPOINT_URL": local_s3.NOWHERE,  # no S3 in this lesson
    **{f"PLAYGROUND_AUTH_{name}": str(value) for name, value in FAST_HASHING.items()},
    "PLAYGROUND_AUTH_LOGIN_RATE_PER_USERNAME": "5/minute",
    "PLAYGROUND_AUTH_LOGIN_RATE_PER_CLIENT": "1000/minute",  # every client here is 127.0.0.1
}
GRACE_SECONDS = 5  # uvicorn's --timeout-graceful-shutdown
# Each line its writer's pid; uvicorn's own lines, its TRACE lines (``ASGI [n] Started scope``:
# a request has reached the app) and Alembic's (``Context impl``: a migration run began).
_LOG_CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"pid": {"format": "%(process)d %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "pid"}},
    "loggers": {
        "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "uvicorn.asgi": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "alembic": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}
# uvicorn's own command line (``uvicorn.main.main``), with a watchdog: a kernel that is killed
# runs no exit handler and cannot stop its server, so the server stops itself (SIGTERM: the
# graceful way) once the process that started it is gone.
_WATCHED = """
import os, signal, sys, threading, time
def watch(parent=os.getppid()):
    while os.getppid() == parent:
        time.sleep(0.5)
    signal.raise_signal(signal.SIGTERM)
threading.Thread(target=watch, daemon=True).start()
from uvicorn.main import main
main()
"""
_LINE = re.compile(r"^(\d+) (\w+) ([\w.]+): (.*)$")


@dataclass(frozen=True)
class Line:
    pid: int
    level: str
    logger: str
    message: str


@dataclass
class Workers:
    """``uvicorn --workers N`` in a child process: the supervisor, and the workers it started."""

    process: subprocess.Popen[bytes]
    command: list[str]
    base_url: str
    folder: Path
    database: Path
    workers: int
    names: dict[int, str] = field(default_factory=dict)  # a worker's pid -> "worker 1"...

    @property
    def log_file(self) -> Path:
        return self.folder / "server.log"

    def lines(self) -> list[Line]:
        """Every line the supervisor and its workers have logged so far, in order."""
        text = self.log_file.read_text(errors="replace") if self.log_file.exists() else ""
        return [Line(int(m[1]), m[2], m[3], m[4]) for m in map(_LINE.match, text.splitlines()) if m]

    def said(self, pattern: str) -> list[Line]:
        """The lines whose message matches ``pattern`` (a regular expression)."""
        return [line for line in self.lines() if re.search(pattern, line.message)]

    def told(self, pid: int) -> list[str]:
        """What one process logged at INFO (uvicorn's own lines, not TRACE), pids as ``[pid]``."""
        return [
            re.sub(r"\[\d+\]", "[pid]", line.message)
            for line in self.lines()
            if line.pid == pid and line.level == "INFO"
        ]

    def said_by_each(self, pattern: str) -> dict[int, Line]:
        """The first line matching ``pattern`` of each process that logged one."""
        first: dict[int, Line] = {}
        for line in self.said(pattern):
            first.setdefault(line.pid, line)
        return first

    def worker_pids(self) -> list[int]:
        """The workers' pids, in the order they started."""
        return [line.pid for line in self.said(r"^Started server process")]

    def name(self, pid: int | str) -> str:
        """``worker 1``, ``worker 2``...: a worker named by the order it started, not its pid."""
        return self.names.get(int(pid), f"process {pid}")

    def shown_command(self) -> str:
        """uvicorn's command line as it was given, without this run's port."""
        port = self.base_url.rsplit(":", 1)[1]
        return " ".join(["uvicorn", *self.command[3:]]).replace(port, "PORT")

    async def started(self, within: float = 60.0) -> list[int]:
        """Wait until every worker has finished its start-up (the log says so); their pids."""
        deadline = time.monotonic() + within
        while len(self.said(r"^Application startup complete")) < self.workers:
            if self.process.poll() is not None or time.monotonic() > deadline:
                tail = self.log_file.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"uvicorn did not start its workers:\n{tail}")
            await asyncio.sleep(0.02)
        pids = self.worker_pids()
        self.names = {pid: f"worker {n}" for n, pid in enumerate(pids, start=1)}
        return pids

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> int:
        """SIGTERM to the supervisor (it stops its workers), as a deploy does; its exit code."""
        if self.running:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=GRACE_SECONDS + 15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


_RUNNING: list[Workers] = []


@atexit.register
def _stop_all() -> None:
    for server in list(_RUNNING):
        server.stop()
    _RUNNING.clear()


def fresh_database(pg: Playground) -> Path:
    """An empty SQLite file in a new folder of the playground's (removed with it)."""
    folder = pg.workdir / f"served-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    return folder / "playground.db"


def url(database: Path) -> str:
    return f"sqlite+aiosqlite:///{database}"


@contextmanager
def alembic_log() -> Iterator[list[str]]:
    """Alembic's INFO lines (``Context impl ...`` once per run, ``Running upgrade ...`` once per
    migration applied), kept off stderr."""
    import logging

    logger = logging.getLogger("alembic")
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        with captured_logs("alembic") as lines:
            yield lines
    finally:
        logger.setLevel(level)


async def migrate(database: Path) -> None:
    """``alembic upgrade head`` on this database (the scripts ``make migrate`` runs), once."""
    engine = create_engine(url(database))
    try:
        await migrations.upgrade(engine)
    finally:
        await engine.dispose()  # checkpoints the WAL into the file: nothing held open


async def sqlite_facts(database: Path) -> tuple[int, list[str]]:
    """SQLite's schema counter (it moves on every CREATE, ALTER, DROP) and the version rows."""
    engine = create_engine(url(database))
    try:
        async with engine.connect() as connection:
            schema = (await connection.exec_driver_sql("PRAGMA schema_version")).scalar_one()
            rows = await connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            return int(schema), [str(row[0]) for row in rows]
    finally:
        await engine.dispose()


async def _until(done: Callable[[], bool], within: float = 30.0) -> None:
    """Poll ``done`` until it is true; a ``RuntimeError`` after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not done():
        if time.monotonic() > deadline:
            raise RuntimeError("the server never got there (see its server.log)")
        await asyncio.sleep(0.01)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start(database: Path, *, workers: int = 2) -> Workers:
    """``uvicorn playground.main:app --workers N`` on this database, on a free port, in its own
    folder (no ``.env`` there), its log in ``server.log``; it stops itself if this process dies.
    A server this lab started before is stopped first (a cell can run again). Returns at once:
    ``await server.started()`` waits."""
    for earlier in list(_RUNNING):
        earlier.stop()
        _RUNNING.remove(earlier)
    folder = database.parent
    (folder / "log.json").write_text(json.dumps(_LOG_CONFIG))
    port = _free_port()
    command = [sys.executable, "-c", _WATCHED, APP, "--workers", str(workers)]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-config", "log.json"]
    command += ["--timeout-graceful-shutdown", str(GRACE_SECONDS), "--no-access-log"]
    command += ["--log-level", "trace"]
    env = {key: value for key, value in os.environ.items() if not key.startswith("PLAYGROUND_")}
    env.update(SETTINGS, PLAYGROUND_DATABASE_URL=url(database))
    with (folder / "server.log").open("wb") as log:  # this server's lines only
        process = subprocess.Popen(
            command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    server = Workers(process, command, f"http://127.0.0.1:{port}", folder, database, workers)
    _RUNNING.append(server)
    return server


# ------------------------------------------------------------------------------ clients


@asynccontextmanager
async def pinned(server: Workers) -> AsyncIterator[httpx.AsyncClient]:
    """A client on one kept-alive connection: whichever worker accepted it answers it all."""
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(base_url=server.base_url, limits=limits, timeout=30) as client:
        yield client


def worker_of(response: httpx.Response) -> int:
    """The pid of the worker that answered (the playground's ``X-Process-Id``, local/test)."""
    return int(response.headers[PROCESS_HEADER])


async def on_new_connection(server: Workers, path: str) -> httpx.Response:
    """``GET`` on a connection of its own (opened, used once, closed)."""
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as client:
        return await client.get(path)


async def _reached_the_app(server: Workers, path: str, since: int) -> Line:
    """Wait for uvicorn's TRACE line saying a request for ``path`` has reached the app."""
    pattern = rf"ASGI \[\d+\] Started scope=.*'path': '{re.escape(path)}'"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = [line for line in server.lines()[since:] if re.search(pattern, line.message)]
        if found:
            return found[0]
        await asyncio.sleep(0.01)
    raise RuntimeError(f"no request for {path} reached the app")


@dataclass(frozen=True)
class _Sleep:
    task: "asyncio.Task[httpx.Response]"
    reached: Line  # uvicorn's TRACE line: the request reached the app


async def _sleeping(server: Workers, client: httpx.AsyncClient) -> _Sleep:
    """``GET /pings/terrible`` on ``client``, returned once its worker is inside the route
    (and past the route's one thread-pool hop, its settings): that worker's loop sleeps."""
    since = len(server.lines())
    terrible = asyncio.create_task(client.get("/pings/terrible"))
    reached = await _reached_the_app(server, "/pings/terrible", since)
    await asyncio.sleep(0.1)
    return _Sleep(terrible, reached)


@dataclass(frozen=True)
class Blocked:
    """What happened while one worker's loop slept in ``/pings/terrible``."""

    blocked: int  # the worker that answered the blocking request
    status: int
    sent: int  # GET /health sent on new connections, one after another, until it answered
    during: list[int]  # the workers whose app took one of them while the other slept


async def while_blocked(server: Workers, client: httpx.AsyncClient) -> Blocked:
    """Block ``client``'s worker in ``/pings/terrible``; meanwhile ``GET /health`` on new
    connections, one after another, until the blocking request has its answer. Which worker
    took which while the loop slept is read from the log: between the blocking request's
    arrival and its response, in the order the processes wrote their lines."""
    sleep = await _sleeping(server, client)
    sent = 0
    while not sleep.task.done():
        await on_new_connection(server, "/health")
        sent += 1
    response = await sleep.task
    lines = server.lines()
    start = lines.index(sleep.reached)
    asgi = re.search(r"ASGI \[(\d+)\]", sleep.reached.message)
    woke = re.compile(rf"ASGI \[{asgi[1] if asgi else ''}\] Send .*http\.response\.start")
    end = next(
        n
        for n in range(start, len(lines))
        if lines[n].pid == sleep.reached.pid and woke.search(lines[n].message)
    )
    health = re.compile(r"Started scope=.*'path': '/health'")
    during = [line.pid for line in lines[start:end] if health.search(line.message)]
    return Blocked(worker_of(response), response.status_code, sent, during)


@asynccontextmanager
async def pinned_elsewhere(
    server: Workers, busy: httpx.AsyncClient, tries: int = 10
) -> AsyncIterator[httpx.AsyncClient]:
    """A pinned client that another worker than ``busy``'s answers. New connections go to
    whichever worker accepts first, so a few tries usually reach the other one; if they do not,
    one is opened while ``busy``'s worker sleeps in ``/pings/terrible`` (a sleeping loop accepts
    nothing), and again if the sleeper woke up before it came (a loaded machine)."""
    mine = worker_of(await busy.get("/health"))
    for attempt in range(tries + 3):
        sleep = await _sleeping(server, busy) if attempt >= tries else None
        async with pinned(server) as other:
            answered = worker_of(await other.get("/health"))
            if sleep is not None:
                await sleep.task
            if answered != mine:
                yield other
                return
    raise RuntimeError("no connection reached another worker")


async def log_in(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post("/auth/token", data={"username": username, "password": password})


def nobody() -> str:
    """A username no run has used: its throttle counters start at zero in every worker."""
    return f"nobody-{uuid.uuid4().hex[:12]}"


WRONG_PASSWORD = DEFAULT_PASSWORD + "-not"


# ------------------------------------------------------------------------------ readiness


@asynccontextmanager
async def variant(
    pg: Playground,
    *,
    settings: dict[str, Any] | None = None,
    notifications: dict[str, Any] | None = None,
) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process client on the playground's app built anew with these settings changed
    (no lifespan: ``/health`` and ``/health/ready`` need none); its engine closed afterwards."""
    app = create_app(
        Settings(_env_file=None, **{**pg.settings.model_dump(), **(settings or {})}),
        pg.auth_config,
        pg.aws_config,
        NotificationsConfig(
            _env_file=None, **{**pg.notifications_config.model_dump(), **(notifications or {})}
        ),
    )
    try:
        async with apps.client(app) as client:
            yield client
    finally:
        await app.state.engine.dispose()


# ------------------------------------------------------------------------------ shutdown


@dataclass(frozen=True)
class Shutdown:
    """A SIGTERM to the supervisor while a request was in flight, and what followed."""

    server: Workers
    in_flight: httpx.Response  # the request that had reached the app when the signal came
    began_before: bool  # its worker logged "Shutting down" after the request reached the app
    finished_after: bool  # ... and completed the request after that line
    newcomer: str  # a request on a new connection while the workers were shutting down
    after_exit: str  # one more, once the supervisor had exited
    exit_code: int


class _Held:
    """A request body sent in two parts: the second once ``release()`` is called (a client
    that uploads slowly; its request is in flight, the route waiting for the rest)."""

    def __init__(self, body: bytes) -> None:
        self.first, self.rest = body[: len(body) // 2], body[len(body) // 2 :]
        self.released = asyncio.Event()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.first
        await self.released.wait()
        yield self.rest

    def release(self) -> None:
        self.released.set()


@dataclass
class _Knock:
    """A raw ``GET /health`` sent on a new TCP connection; ``outcome()`` reads what came back."""

    reader: asyncio.StreamReader | None
    writer: asyncio.StreamWriter | None

    async def outcome(self) -> str:
        if self.reader is None or self.writer is None:
            return "refused: nothing listens on the port"
        try:
            answer = await asyncio.wait_for(self.reader.read(), timeout=30)
        except ConnectionResetError:
            answer = b""
        finally:
            self.writer.close()
        if answer:
            return "answered: " + answer.split(b"\r\n", 1)[0].decode()
        return "connected, then closed unanswered"


async def _knock(server: Workers) -> _Knock:
    host, port = server.base_url.removeprefix("http://").split(":")
    try:
        reader, writer = await asyncio.open_connection(host, int(port))
    except ConnectionRefusedError:
        return _Knock(None, None)
    writer.write(f"GET /health HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    await writer.drain()
    return _Knock(reader, writer)


async def shutdown_with_a_request_in_flight(server: Workers) -> Shutdown:
    """A login whose form is sent in two parts; once it has reached the app, SIGTERM to the
    supervisor; once every worker logged ``Shutting down``, a request on a new connection;
    then the rest of the form. A server stopped already (the cell run again) is first started
    anew on the same database."""
    if not server.running:
        server = start(server.database, workers=server.workers)
        await server.started()
    username = nobody()
    async with pinned(server) as client:
        registered = await client.post(
            "/auth/users",
            json={
                "username": username,
                "email": f"{username}@example.com",
                "password": DEFAULT_PASSWORD,
                "first_name": "Slow",
            },
        )
        registered.raise_for_status()
        body = _Held(f"username={username}&password={DEFAULT_PASSWORD}".encode())
        since = len(server.lines())
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        login = asyncio.create_task(client.post("/auth/token", content=body, headers=form))
        reached = await _reached_the_app(server, "/auth/token", since)
        server.process.send_signal(signal.SIGTERM)
        await _until(lambda: len(server.said_by_each("^Shutting down$")) == server.workers)
        newcomer = await _knock(server)  # the supervisor still holds the socket: it connects
        body.release()
        answer = await login
    exit_code = await asyncio.to_thread(server.process.wait, GRACE_SECONDS + 15)
    _RUNNING[:] = [running for running in _RUNNING if running is not server]
    return Shutdown(
        server=server,
        in_flight=answer,
        **_order(server, reached),
        newcomer=await newcomer.outcome(),
        after_exit=await (await _knock(server)).outcome(),
        exit_code=exit_code,
    )


def _order(server: Workers, reached: Line) -> dict[str, bool]:
    """From the log of the worker that served the request: did it begin shutting down after
    the request reached the app, and complete the request after that?"""
    asgi = re.search(r"ASGI \[(\d+)\]", reached.message)
    own = [line.message for line in server.lines() if line.pid == reached.pid]
    started, shutting, completed = (
        next(n for n, message in enumerate(own) if re.search(pattern, message))
        for pattern in (
            rf"ASGI \[{asgi[1] if asgi else ''}\] Started scope",
            "^Shutting down$",
            rf"ASGI \[{asgi[1] if asgi else ''}\] Completed",
        )
    )
    return {"began_before": started < shutting, "finished_after": shutting < completed}
