"""The scale-out configuration under faults: what ``make test-scale`` runs.

PostgreSQL (the cluster ``.ci/with-postgres`` starts) and Redis (Debian's ``redis-server``, no
persistence: the outbox is the record, the queue only a way to reach a worker), both on
loopback; migrations run once; two app processes (uvicorn, ``logging.ini``) and two queue
workers (``python -m playground.worker``, two threads each). A bounded
load of email requests goes to both apps while one worker is killed with SIGKILL (and started
again) and Redis is stopped and started again. Then the outbox drains, and the figures say what
happened to every request.

    .ci/with-postgres .venv/bin/python -m tests.scale     # or: make test-scale
"""

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

ROOT = Path(__file__).resolve().parents[1]
MAILBOX = "PLAYGROUND_SCALE_MAILBOX"
SENDER = "tests.scale:deliver"
SEND_SECONDS = 0.02  # a mail API's round trip: a worker is busy when it is killed
EMAILS = 1_000
USERS = 10
RATE = 60.0  # requests started per second, over both apps
CONCURRENCY = 16
CLIENT_TIMEOUT = 10.0  # above the app's 5 s wait to enqueue: a hang shows as a timeout
KILL_WORKER_AT = 300  # answers so far when one worker gets SIGKILL ...
WORKER_DOWN_FOR = 2.0  # ... and the seconds before it is started again
STOP_REDIS_AT = 550  # answers so far when Redis is stopped ...
REDIS_DOWN_FOR = 2.0  # ... and the seconds before it is started again
REDELIVER_AFTER = 30  # PLAYGROUND_NOTIFICATIONS_REDELIVER_AFTER_SECONDS (its minimum)
DRAIN_WITHIN = 150.0  # the worker's sweep runs every minute: two sweeps and some
HEALTH_EVERY = 0.25
PASSWORD = "correct-horse-battery"
TASK_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
OUTBOX = text("SELECT subject, status FROM notification_email")


async def deliver(*, user_id: uuid.UUID, subject: str, body: str) -> None:
    """The workers' send step: a short wait, then one line per delivery in the mailbox file."""
    await asyncio.sleep(SEND_SECONDS)
    fd = os.open(os.environ[MAILBOX], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, f"{subject}\n".encode())  # one write with O_APPEND: lines never mix
    finally:
        os.close(fd)


@dataclass
class Answer:
    subject: str
    status: int | None  # None: no answer within CLIENT_TIMEOUT, or a broken connection
    code: str | None
    started: float
    ended: float
    request_id: str | None


@dataclass
class Figures:
    requests: int = 0
    accepted: int = 0  # 202
    refused: int = 0  # 503 QUEUE_UNAVAILABLE
    other: list[str] = field(default_factory=list)  # anything else: status and code, or error
    median: float = 0.0  # seconds to answer
    slowest: float = 0.0
    delivered: int = 0  # distinct emails in the mailbox
    duplicates: int = 0  # deliveries beyond the first of an email
    delivered_refused: int = 0  # a 503'd email that was sent all the same
    outbox: Counter[str] = field(default_factory=Counter)  # status -> rows
    accepted_without_row: int = 0
    redelivered: int = 0  # rows the workers found lost and queued again
    drained_in: float | None = None  # seconds after the load until no row was left to send
    worker_killed_at: tuple[int, float] = (0, 0.0)  # (answers so far, seconds into the load)
    worker_busy_when_killed: int = 0  # its tasks that had begun and not ended
    redis_stopped_at: tuple[int, float] = (0, 0.0)
    redis_down_seconds: float = 0.0
    refused_outside_outage: int = 0
    health_polls: int = 0
    health_failures: list[str] = field(default_factory=list)
    logged_request_ids: dict[str, int] = field(default_factory=dict)

    def report(self) -> str:
        killed, killed_s = self.worker_killed_at
        stopped, stopped_s = self.redis_stopped_at
        drained = "never" if self.drained_in is None else f"{self.drained_in:.1f} s"
        return "\n".join(
            [
                f"requests: {self.requests}, 202: {self.accepted}, 503: {self.refused}, "
                f"other: {len(self.other)}; answered in {self.median:.2f} s (median), "
                f"{self.slowest:.2f} s at most",
                f"delivered: {self.delivered}, duplicates: {self.duplicates}, "
                f"503'd but delivered: {self.delivered_refused}, "
                f"outbox: {dict(sorted(self.outbox.items()))}, drained {drained} after the load",
                f"worker killed (SIGKILL) after {killed} answers, {killed_s:.1f} s into the "
                f"load, {self.worker_busy_when_killed} of its sends under way; rows found lost "
                f"and queued again: {self.redelivered}",
                f"Redis stopped after {stopped} answers, {stopped_s:.1f} s into the load, down "
                f"for {self.redis_down_seconds:.2f} s; 503s outside the outage: "
                f"{self.refused_outside_outage}",
                f"/health: {self.health_polls} polls on both apps, "
                f"{len(self.health_failures)} failed",
            ]
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for_port(port: int, *, within: float, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        with suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {within} s")


class Processes:
    """Every process the run starts, stopped (and waited for) on the way out, whatever
    happened; each gets its own log file in ``folder``."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder = folder
        self.env = env
        self.running: dict[str, subprocess.Popen[bytes]] = {}
        self._logs: list[Path] = []

    def start(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        log = self.folder / f"{name}.log"
        with log.open("ab") as out:
            process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        self.running[name] = process
        return process

    def stop(self, name: str, *, sig: int = signal.SIGTERM, within: float = 15.0) -> None:
        process = self.running.pop(name)
        if process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(timeout=within)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def stop_all(self) -> None:
        for name in list(self.running):
            self.stop(name)

    def log(self, name: str) -> list[str]:
        """Every line of a process's log so far (its restarts append to the same file)."""
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace").splitlines() if path.exists() else []


def redis_server() -> str:
    found = shutil.which("redis-server")
    if found is None:
        raise RuntimeError("redis-server not found: sudo apt-get install redis-server")
    return found


class Run:
    def __init__(self, database_url: str, folder: Path, processes: Processes) -> None:
        self.database_url = database_url
        self.folder = folder
        self.processes = processes
        self.redis_port = _free_port()
        self.app_ports = [_free_port(), _free_port()]
        self.figures = Figures()
        self.answers: list[Answer] = []
        self.outage: tuple[float, float] = (0.0, 0.0)  # Redis: stop began, answering again
        self.load_started = 0.0

    # --- the processes ---------------------------------------------------------------------

    def start_redis(self) -> None:
        command = [redis_server(), "--port", str(self.redis_port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.folder)]
        process = self.processes.start("redis", command)
        _wait_for_port(self.redis_port, within=10, process=process)

    def start_app(self, index: int) -> None:
        port = self.app_ports[index]
        command = [sys.executable, "-m", "uvicorn", "playground.main:app", "--host", "127.0.0.1"]
        command += ["--port", str(port), "--log-config", str(ROOT / "logging.ini")]
        _wait_for_port(port, within=30, process=self.processes.start(f"app{index}", command))

    def start_worker(self, index: int) -> None:
        command = [sys.executable, "-m", "playground.worker"]
        command += ["-w", "2", "-k", "thread", "--log-config", str(ROOT / "logging.ini")]
        self.processes.start(f"worker{index}", command)

    def migrate(self) -> None:
        alembic = [sys.executable, "-m", "alembic", "-c", str(ROOT / "alembic.ini")]
        subprocess.run(
            [*alembic, "upgrade", "head"], cwd=ROOT, env=self.processes.env, check=True,
            capture_output=True,
        )  # fmt: skip

    # --- the load --------------------------------------------------------------------------

    async def users(self, client: httpx.AsyncClient) -> list[tuple[str, dict[str, str]]]:
        """``USERS`` accounts (registered and logged in through the first app)."""
        accounts = []
        for n in range(USERS):
            name = f"scale{n}"
            body = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
            registered = await client.post("/auth/users", json={**body, "first_name": "S"})
            registered.raise_for_status()
            token = await client.post(
                "/auth/token", data={"username": name, "password": body["password"]}
            )
            token.raise_for_status()
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
            accounts.append((registered.json()["id"], headers))
        return accounts

    async def send(
        self, client: httpx.AsyncClient, n: int, user: tuple[str, dict[str, str]]
    ) -> Answer:
        subject = f"scale-{n:04d}"
        user_id, headers = user
        started = time.monotonic()
        try:
            response = await client.post(
                f"{self.base(n)}/users/{user_id}/email",
                json={"subject": subject, "body": "load"},
                headers={**headers, "X-Request-ID": subject},
            )
        except httpx.HTTPError as exc:
            return Answer(subject, None, type(exc).__name__, started, time.monotonic(), None)
        code = response.json().get("code") if response.status_code != 202 else None
        return Answer(
            subject, response.status_code, code, started, time.monotonic(),
            response.headers.get("X-Request-ID"),
        )  # fmt: skip

    def base(self, n: int) -> str:
        return f"http://127.0.0.1:{self.app_ports[n % 2]}"

    async def load(self, users: list[tuple[str, dict[str, str]]]) -> None:
        """``EMAILS`` requests at ``RATE`` a second over both apps, at most ``CONCURRENCY`` at
        once; the faults are set off by the count of answers."""
        gate = asyncio.Semaphore(CONCURRENCY)
        answered = {KILL_WORKER_AT: asyncio.Event(), STOP_REDIS_AT: asyncio.Event()}
        limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)

        async with httpx.AsyncClient(timeout=CLIENT_TIMEOUT, limits=limits) as client:

            async def one(n: int) -> None:
                async with gate:
                    answer = await self.send(client, n, users[n % USERS])
                self.answers.append(answer)
                if len(self.answers) in answered:
                    answered[len(self.answers)].set()

            self.load_started = time.monotonic()
            async with asyncio.TaskGroup() as group:
                group.create_task(self.kill_a_worker(answered[KILL_WORKER_AT]))
                group.create_task(self.restart_redis(answered[STOP_REDIS_AT]))
                for n in range(EMAILS):
                    group.create_task(one(n))
                    await asyncio.sleep(1 / RATE)

    async def kill_a_worker(self, when: asyncio.Event) -> None:
        await when.wait()
        busy = self.sends_under_way("worker0")
        process = self.processes.running["worker0"]
        process.send_signal(signal.SIGKILL)
        await asyncio.to_thread(process.wait)
        self.figures.worker_killed_at = (len(self.answers), time.monotonic() - self.load_started)
        self.figures.worker_busy_when_killed = busy
        self.processes.running.pop("worker0")
        await asyncio.sleep(WORKER_DOWN_FOR)
        self.start_worker(0)

    def sends_under_way(self, worker: str) -> int:
        """Sends the worker's log says began and did not end (huey logs ``Executing <task>``
        and ``<task> executed in``, or an error, for each)."""
        began, ended = Counter[str](), Counter[str]()
        for line in self.processes.log(worker):
            message = _json(line).get("message", "")
            task = TASK_ID.search(message)
            if task is None:
                continue
            if message.startswith("Executing ") and "send_email" in message:
                began[task[0]] += 1
            elif " executed in " in message or message.startswith("Unhandled exception in task"):
                ended[task[0]] += 1
        return sum((began - ended).values())

    async def restart_redis(self, when: asyncio.Event) -> None:
        await when.wait()
        stopping = time.monotonic()
        self.figures.redis_stopped_at = (len(self.answers), stopping - self.load_started)
        await asyncio.to_thread(self.processes.stop, "redis")
        down = time.monotonic()
        await asyncio.sleep(REDIS_DOWN_FOR)
        await asyncio.to_thread(self.start_redis)
        up = time.monotonic()
        self.figures.redis_down_seconds = up - down
        self.outage = (stopping, up)

    async def poll_health(self, stop: asyncio.Event) -> None:
        async with httpx.AsyncClient(timeout=2.0) as client:
            while not stop.is_set():
                for port in self.app_ports:
                    self.figures.health_polls += 1
                    try:
                        response = await client.get(f"http://127.0.0.1:{port}/health")
                    except httpx.HTTPError as exc:
                        self.figures.health_failures.append(f"{port}: {type(exc).__name__}")
                        continue
                    if response.status_code != 200:
                        self.figures.health_failures.append(f"{port}: {response.status_code}")
                await asyncio.sleep(HEALTH_EVERY)

    # --- afterwards ------------------------------------------------------------------------

    async def drain(self, rows: Callable[[], Awaitable[dict[str, str]]]) -> None:
        """Wait until no row is left ``queued`` or ``sending`` (bounded)."""
        started = time.monotonic()
        while time.monotonic() - started < DRAIN_WITHIN:
            statuses = Counter((await rows()).values())
            if not statuses.keys() & {"queued", "sending"}:
                self.figures.drained_in = time.monotonic() - started
                return
            await asyncio.sleep(1.0)

    def tally(self, outbox: dict[str, str]) -> None:
        f = self.figures
        f.requests = len(self.answers)
        accepted = {a.subject for a in self.answers if a.status == 202}
        refused = {a.subject for a in self.answers if a.status == 503}
        f.accepted, f.refused = len(accepted), len(refused)
        f.other = [
            f"{a.subject}: {a.status} {a.code}"
            for a in self.answers
            if a.status not in (202, 503) or (a.status == 503 and a.code != "QUEUE_UNAVAILABLE")
        ]
        seconds = sorted(a.ended - a.started for a in self.answers)
        f.median, f.slowest = seconds[len(seconds) // 2], seconds[-1]
        stopping, up = self.outage
        f.refused_outside_outage = sum(
            a.status == 503 and (a.ended < stopping or a.started > up) for a in self.answers
        )
        lines = (self.folder / "mailbox").read_text().splitlines()
        sent = Counter(lines)
        f.delivered = len(sent)
        f.duplicates = sum(sent.values()) - len(sent)
        f.delivered_refused = len(refused & sent.keys())
        f.outbox = Counter(outbox.values())
        f.accepted_without_row = len(accepted - outbox.keys())
        worker_lines = [
            _json(line) for name in ("worker0", "worker1") for line in self.processes.log(name)
        ]
        f.redelivered = sum("lost on its way" in line.get("message", "") for line in worker_lines)
        # One accepted request followed through the logs of the app that answered it and of
        # the worker that sent it: the lines that carry its id.
        sample = sorted(accepted)[len(accepted) // 2]
        app_lines = [_json(line) for i in (0, 1) for line in self.processes.log(f"app{i}")]
        f.logged_request_ids = {
            "app": sum(line.get("request_id") == sample for line in app_lines),
            "worker": sum(line.get("request_id") == sample for line in worker_lines),
        }


def _json(line: str) -> dict[str, str]:
    try:
        value = json.loads(line)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


@contextmanager
def _folder(keep: Path | None) -> Iterator[Path]:
    """A scratch folder for the logs and the mailbox; copied to ``keep`` (if given), removed."""
    folder = Path(tempfile.mkdtemp(prefix="playground-scale-"))
    try:
        yield folder
    finally:
        if keep is not None:
            shutil.copytree(folder, keep, dirs_exist_ok=True)
        shutil.rmtree(folder, ignore_errors=True)


def environment(database_url: str, folder: Path, redis_port: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PLAYGROUND_")}
    env.update(
        PLAYGROUND_DATABASE_URL=database_url,
        PLAYGROUND_NOTIFICATIONS_DELIVERY="queue",
        PLAYGROUND_NOTIFICATIONS_QUEUE_URL=f"redis://127.0.0.1:{redis_port}/0",
        PLAYGROUND_NOTIFICATIONS_SENDER=SENDER,
        PLAYGROUND_NOTIFICATIONS_REDELIVER_AFTER_SECONDS=str(REDELIVER_AFTER),
        PLAYGROUND_AUTH_PASSWORD_HASH_TIME_COST="1",
        PLAYGROUND_AUTH_PASSWORD_HASH_MEMORY_KIB="1024",
        PYTHONPATH=str(ROOT),
    )
    env[MAILBOX] = str(folder / "mailbox")
    return env


async def _run(run: Run) -> Figures:
    engine = create_async_engine(run.database_url)

    async def rows() -> dict[str, str]:
        async with engine.connect() as connection:
            result = await connection.execute(
                text("SELECT subject, status FROM notification_email")
            )
            return {subject: status for subject, status in result}

    try:
        async with httpx.AsyncClient(base_url=run.base(0), timeout=CLIENT_TIMEOUT) as client:
            users = await run.users(client)
        stop = asyncio.Event()
        health = asyncio.create_task(run.poll_health(stop))
        try:
            await run.load(users)
            await run.drain(rows)
        finally:
            stop.set()
            await health
        run.tally(await rows())
    finally:
        await engine.dispose()
    return run.figures


def run(database_url: str, *, keep: Path | None = None) -> Figures:
    """Start everything, drive the load with its faults, drain, stop everything: the figures.
    The processes' logs and the mailbox are copied to ``keep`` when it is given."""
    with _folder(keep) as folder, ExitStack() as stack:
        processes = Processes(folder, {})
        stack.callback(processes.stop_all)
        scale = Run(database_url, folder, processes)
        processes.env = environment(database_url, folder, scale.redis_port)
        scale.migrate()
        scale.start_redis()
        for index in (0, 1):
            scale.start_app(index)
            scale.start_worker(index)
        return asyncio.run(_run(scale))


def main() -> None:
    database_url = os.environ.get("PLAYGROUND_TEST_DATABASE_URL", "")
    if not database_url.startswith("postgresql"):
        sys.exit("run through: make test-scale (PostgreSQL from .ci/with-postgres)")
    keep = Path(sys.argv[1]) if len(sys.argv) > 1 else None  # where to keep the logs
    print(run(database_url, keep=keep).report())


if __name__ == "__main__":
    main()
