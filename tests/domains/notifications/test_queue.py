"""Email delivery on a real queue (huey on SQLite) with a real worker in another process."""

import asyncio
import time
from collections.abc import AsyncIterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
import pytest

import course
from course.labs import n22_mailbox as mailbox
from course.labs.n22_worker import worker
from playground.domains.notifications.config import NotificationsConfig

Rows = list[tuple[Any, ...]]
DEFAULT_SENDER = NotificationsConfig.model_fields["SENDER"].default


@pytest.fixture
async def pg(tmp_path: Path) -> AsyncIterator[course.Playground]:
    notifications = {
        "DELIVERY": "queue",
        "QUEUE_URL": f"sqlite:///{tmp_path / 'queue.db'}",
        "SENDER": mailbox.SENDER,
        "SEND_RETRIES": 2,
        "RETRY_DELAY_SECONDS": 1,
        "RETRY_BACKOFF": 2.0,
    }
    async with await course.start(notifications=notifications) as playground:
        yield playground


async def _outbox(pg: course.Playground) -> Rows:
    return await pg.sql("SELECT subject, status FROM notification_email ORDER BY created_at")


async def _until(pg: course.Playground, expected: Rows, *, within: float = 20) -> Rows:
    """Poll the outbox until it reads ``expected`` (the worker is another process)."""
    deadline = time.monotonic() + within
    rows = await _outbox(pg)
    while rows != expected and time.monotonic() < deadline:
        await asyncio.sleep(0.1)  # the worker is another process: nothing here to await
        rows = await _outbox(pg)
    return rows


async def _queue(client: httpx.AsyncClient, user: course.User, subject: str) -> None:
    response = await client.post(
        f"/users/{user.id}/email", json={"subject": subject, "body": "b"}, headers=user.headers
    )
    assert response.status_code == 202, response.text


async def test_the_row_is_written_before_the_answer_and_a_worker_sends_it(
    pg: course.Playground, tmp_path: Path
) -> None:
    ada = await pg.user("ada")
    await _queue(pg.client, ada, "hello")
    assert await _outbox(pg) == [("hello", "queued")]  # no worker yet: written, not sent
    with worker(pg, **{mailbox.FOLDER: str(tmp_path)}):
        assert await _until(pg, [("hello", "sent")]) == [("hello", "sent")]
    assert [a.delivered for a in mailbox.attempts(tmp_path)] == [True]


async def test_the_email_survives_the_web_server_stopping(
    pg: course.Playground, tmp_path: Path
) -> None:
    ada = await pg.user("ada")
    async with pg.serve() as base_url, httpx.AsyncClient(base_url=base_url) as client:
        await _queue(client, ada, "kept")
    # uvicorn has stopped; the task waits in the queue, not in the stopped process's memory.
    # The default sender: the worker imports only what `make worker` imports.
    with worker(pg, PLAYGROUND_NOTIFICATIONS_SENDER=DEFAULT_SENDER):
        assert await _until(pg, [("kept", "sent")]) == [("kept", "sent")]


async def test_a_failing_send_is_retried_with_back_off_and_lands(
    pg: course.Playground, tmp_path: Path
) -> None:
    ada = await pg.user("ada")
    await _queue(pg.client, ada, "flaky")
    with worker(pg, **{mailbox.FOLDER: str(tmp_path), mailbox.FAIL_FIRST: "2"}):
        assert await _until(pg, [("flaky", "sent")]) == [("flaky", "sent")]
    attempts = mailbox.attempts(tmp_path)
    assert [a.delivered for a in attempts] == [False, False, True]
    first_wait, second_wait = (b.at - a.at for a, b in pairwise(attempts))
    assert first_wait >= 0.9  # RETRY_DELAY_SECONDS=1 ...
    assert second_wait >= 1.9 and second_wait > first_wait  # ... then x RETRY_BACKOFF=2


async def test_a_send_that_keeps_failing_is_marked_failed_after_its_retries(
    pg: course.Playground, tmp_path: Path
) -> None:
    ada = await pg.user("ada")
    await _queue(pg.client, ada, "doomed")
    with worker(pg, **{mailbox.FOLDER: str(tmp_path), mailbox.FAIL_FIRST: "10"}):
        assert await _until(pg, [("doomed", "failed")]) == [("doomed", "failed")]
    assert len(mailbox.attempts(tmp_path)) == 1 + 2  # the first try and SEND_RETRIES=2


async def test_a_queue_that_is_down_is_a_503_and_keeps_no_row() -> None:
    down = {"DELIVERY": "queue", "QUEUE_URL": "redis://127.0.0.1:1/0"}  # nothing listens
    async with await course.start(notifications=down) as pg:
        ada = await pg.user("ada")
        started = time.perf_counter()
        response = await pg.client.post(
            f"/users/{ada.id}/email", json={"subject": "s", "body": "b"}, headers=ada.headers
        )
        assert time.perf_counter() - started < 5 + 1
        assert response.status_code == 503
        assert response.json()["code"] == "QUEUE_UNAVAILABLE"
        assert await _outbox(pg) == []  # withdrawn: the caller is told to try again
