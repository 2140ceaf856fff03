"""Notebook 25's plumbing, the supervisor: the playground under ``uvicorn --workers N`` in a
child process, its log read line by line (each line carries the pid that wrote it), and the
database it serves, migrated once before any worker starts. Clients pinned to a worker are in
``n25_clients``; the graceful shutdown in ``n25_shutdown``.

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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from course import local_s3
from course.sandbox import FAST_HASHING, Playground
from course.server import captured_logs
from playground import migrations
from playground.database import create_engine

APP = "playground.main:app"
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


RUNNING: list[Workers] = []  # the servers this lab started and has not stopped


@atexit.register
def _stop_all() -> None:
    for server in list(RUNNING):
        server.stop()
    RUNNING.clear()


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
    for earlier in list(RUNNING):
        earlier.stop()
        RUNNING.remove(earlier)
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
    RUNNING.append(server)
    return server
