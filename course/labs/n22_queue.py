"""Notebook 22's plumbing: a mail server double for the web process, the outbox, timings."""

import asyncio
import atexit
import shutil
import time
import uuid
from contextlib import ExitStack
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import httpx

from course.labs import n22_mailbox as mailbox
from course.labs.n22_worker import worker
from course.sandbox import Playground, User

_RUNNING: dict[Path, ExitStack] = {}  # a playground's workdir -> its worker, across cells


@dataclass
class Sender:
    """An email sender for the web process (``app.state.email_sender``): slow, or failing."""

    seconds: float = 0.0
    fail: bool = False
    attempts: list[str] = field(default_factory=list)

    async def __call__(self, *, user_id: uuid.UUID, subject: str, body: str) -> None:
        self.attempts.append(subject)
        await asyncio.sleep(self.seconds)
        if self.fail:
            raise ConnectionError("the mail server is unavailable")


async def post_email(
    pg: Playground, client: httpx.AsyncClient, user: User, subject: str
) -> tuple[httpx.Response, float]:
    """Forget earlier emails with this subject, then ``POST /users/{id}/email``; its seconds."""
    await pg.sql("DELETE FROM notification_email WHERE subject = :s", s=subject)
    started = time.perf_counter()
    response = await client.post(
        f"/users/{user.id}/email", json={"subject": subject, "body": "..."}, headers=user.headers
    )
    return response, time.perf_counter() - started


async def status_of(pg: Playground, subject: str) -> str | None:
    """The outbox row's status for this subject, or ``None`` when there is no row."""
    rows = await pg.sql("SELECT status FROM notification_email WHERE subject = :s", s=subject)
    return str(rows[0][0]) if rows else None


async def until(pg: Playground, subject: str, *statuses: str, within: float = 15.0) -> str | None:
    """Poll the row (the worker is another process) until its status is one of ``statuses``."""
    deadline = time.monotonic() + within
    status = await status_of(pg, subject)
    while status not in statuses and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        status = await status_of(pg, subject)
    return status


def fresh_mailbox(pg: Playground) -> Path:
    """An empty folder for the worker's mailbox (``mailbox.FOLDER``), however often it runs."""
    folder = pg.workdir / "mailbox"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    return folder


def waits(attempts: list[mailbox.Attempt]) -> list[float]:
    """Seconds between one attempt's start and the next's."""
    return [later.at - earlier.at for earlier, later in pairwise(attempts)]


def start_worker(pg: Playground, **env: str) -> None:
    """``course.worker`` left running across cells, as ``make worker`` in a second terminal
    would be; a worker this playground already has is stopped first (a cell can run again)."""
    stop_worker(pg)
    stack = ExitStack()
    stack.enter_context(worker(pg, **env))
    _RUNNING[pg.workdir] = stack


def stop_worker(pg: Playground) -> None:
    """Stop this playground's worker gracefully, if it has one running."""
    stack = _RUNNING.pop(pg.workdir, None)
    if stack is not None:
        stack.close()


@atexit.register
def _stop_all() -> None:
    for stack in list(_RUNNING.values()):
        stack.close()
    _RUNNING.clear()
