"""The email queue: huey, on SQLite in the course and on Redis in production.

The web process writes the outbox row and enqueues its id; ``make worker`` (huey's consumer,
another process: ``python -m playground.worker``) sends it, retrying with back-off. Both build
the queue here, so both know the tasks by the same names. The app's one queue carries the
attachments' clean-up too (``post_attachments.tasks``). The queue is a way to reach a worker
quickly, not the record: a row lost on its way (a worker killed mid-send, a Redis restarted
empty) is found in the outbox and put on the queue again, every minute.
"""

import asyncio
import importlib
import logging
import threading
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any, TypeVar

from huey import Huey, crontab
from huey import RedisHuey as _RedisHuey
from huey import SqliteHuey as _SqliteHuey
from huey.api import Task
from sqlalchemy.ext.asyncio import AsyncEngine

from playground import observability
from playground.config import load_settings
from playground.database import create_engine, create_sessionmaker
from playground.domains.notifications import service
from playground.domains.notifications.config import NotificationsConfig, load_notifications_config
from playground.domains.post_attachments import config as attachments_config
from playground.domains.post_attachments import tasks as attachments_tasks

QUEUE_NAME = "playground-notifications"
SEND_EMAIL = "notifications.send_email"
REDELIVER_STALLED = "notifications.redeliver_stalled"

logger = logging.getLogger(__name__)
# A Redis that does not answer is a bounded wait, in the web process and in the worker alike
# (the worker's blocking read waits 1 s, under the read timeout).
REDIS_CONNECT_TIMEOUT_SECONDS = 2.0
REDIS_READ_TIMEOUT_SECONDS = 5.0


class _RequestIdInLogs:
    """A huey that logs a task's lines (huey's own included) with the id of the request that
    queued it."""

    def execute(self, task: Task, timestamp: Any = None) -> Any:
        with observability.bound_request_id((task.kwargs or {}).get("request_id")):
            return super().execute(task, timestamp)  # type: ignore[misc]


class SqliteHuey(_RequestIdInLogs, _SqliteHuey):  # type: ignore[misc]
    """huey's ``SqliteHuey`` (one machine, no server)."""


class RedisHuey(_RequestIdInLogs, _RedisHuey):  # type: ignore[misc]
    """huey's ``RedisHuey`` (several machines; the redis client is in the prod extra)."""


@dataclass(frozen=True)
class EmailQueue:
    huey: Huey
    send: Any  # huey's TaskWrapper: calling it enqueues one send
    attachments: attachments_tasks.AttachmentTasks

    def enqueue(self, email_id: uuid.UUID, *, request_id: str | None = None) -> None:
        """Put one outbox row on the queue (blocking I/O: call it from a thread)."""
        self.send(str(email_id), request_id=request_id)


def _huey(config: NotificationsConfig) -> Huey:
    if config.QUEUE_URL.startswith("redis://"):
        from redis import ConnectionPool

        pool = ConnectionPool.from_url(
            config.QUEUE_URL,
            socket_connect_timeout=REDIS_CONNECT_TIMEOUT_SECONDS,
            socket_timeout=REDIS_READ_TIMEOUT_SECONDS,
        )
        return RedisHuey(QUEUE_NAME, connection_pool=pool, results=False)
    path = config.QUEUE_URL.removeprefix("sqlite:///")
    return SqliteHuey(QUEUE_NAME, filename=path, results=False)


def make_queue(config: NotificationsConfig) -> EmailQueue:
    """The queue named by ``QUEUE_URL``, with the send and redelivery tasks and the
    attachments' tasks registered on it."""
    huey = _huey(config)
    send = huey.task(
        retries=config.SEND_RETRIES,
        retry_delay=config.RETRY_DELAY_SECONDS,
        retry_backoff=config.RETRY_BACKOFF,
        context=True,
        name=SEND_EMAIL,
    )(_send_email)
    attachments = attachments_tasks.register(
        huey, attachments_config.load_post_attachments_config()
    )
    queue = EmailQueue(huey=huey, send=send, attachments=attachments)

    def redeliver_stalled() -> int:
        """In the worker, once a minute: rows lost on their way go on the queue again."""
        emails = _run(_stalled(timedelta(seconds=config.REDELIVER_AFTER_SECONDS)))
        for email_id, request_id in emails:
            with observability.bound_request_id(request_id):
                logger.warning("email %s was lost on its way; queued again", email_id)
                queue.enqueue(email_id, request_id=request_id)
        return len(emails)

    huey.periodic_task(crontab(), name=REDELIVER_STALLED)(redeliver_stalled)
    huey.on_shutdown()(_close_thread_loop)  # in each worker thread, as it stops
    return queue


_thread = threading.local()
T = TypeVar("T")


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a task's coroutine on its worker thread's own event loop, kept from one task to the
    next with its engine: a pooled connection serves the next send (an engine and a loop per
    task cost some 0.2 s a send on a busy machine, measured by ``make test-scale``)."""
    runner: asyncio.Runner | None = getattr(_thread, "runner", None)
    if runner is None:
        runner = _thread.runner = asyncio.Runner()
    return runner.run(coroutine)


def _engine() -> AsyncEngine:
    """This worker thread's engine (made in, and used only by, its own event loop)."""
    engine: AsyncEngine | None = getattr(_thread, "engine", None)
    if engine is None:
        settings = load_settings()
        engine = _thread.engine = create_engine(settings.DATABASE_URL, **settings.engine_options())
    return engine


def _close_thread_loop() -> None:
    runner: asyncio.Runner | None = getattr(_thread, "runner", None)
    if runner is None:
        return
    engine: AsyncEngine | None = getattr(_thread, "engine", None)
    if engine is not None:
        runner.run(engine.dispose())
    runner.close()
    _thread.runner = _thread.engine = None


@cache
def _sender(path: str) -> service.EmailSender:
    module, name = path.split(":")
    sender: service.EmailSender = getattr(importlib.import_module(module), name)
    return sender


def _send_email(email_id: str, task: Task, request_id: str | None = None) -> None:
    """In the worker: send one outbox row. Raising hands it back to huey for a retry.

    ``request_id`` is only for the log lines (bound by the queue while the task runs).
    """
    config = load_notifications_config()
    _run(_send(uuid.UUID(email_id), sender=_sender(config.SENDER), last_try=task.retries == 0))


async def _send(email_id: uuid.UUID, *, sender: service.EmailSender, last_try: bool) -> None:
    await service.send_outboxed(
        sessionmaker=create_sessionmaker(_engine()),
        sender=sender,
        email_id=email_id,
        last_try=last_try,
    )


async def _stalled(after: timedelta) -> list[tuple[uuid.UUID, str | None]]:
    async with create_sessionmaker(_engine())() as session:
        emails = await service.stalled(session=session, after=after)
        return [(email.id, email.request_id) for email in emails]


def __getattr__(name: str) -> Huey:
    """``tasks.queue``, the consumer's queue, from the environment (``.env``) as the web app's
    is; made only when the consumer asks, so importing this module creates no queue file."""
    if name == "queue":
        return make_queue(load_notifications_config()).huey
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
