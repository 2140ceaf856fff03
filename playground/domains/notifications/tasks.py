"""The email queue: huey, on SQLite in the course and on Redis in production.

The web process writes the outbox row and enqueues its id; ``make worker`` (huey's consumer,
another process: ``huey_consumer playground.domains.notifications.tasks.queue``) sends it,
retrying with back-off. Both build the queue here, so both know the task by the same name.
"""

import asyncio
import importlib
import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

from huey import Huey, SqliteHuey
from huey.api import Task

from playground.config import load_settings
from playground.database import create_engine, create_sessionmaker
from playground.domains.notifications import service
from playground.domains.notifications.config import NotificationsConfig, load_notifications_config

QUEUE_NAME = "playground-notifications"
SEND_EMAIL = "notifications.send_email"


@dataclass(frozen=True)
class EmailQueue:
    huey: Huey
    send: Any  # huey's TaskWrapper: calling it enqueues one send

    def enqueue(self, email_id: uuid.UUID) -> None:
        """Put one outbox row on the queue (blocking I/O: call it from a thread)."""
        self.send(str(email_id))


def make_queue(config: NotificationsConfig) -> EmailQueue:
    """The queue named by ``QUEUE_URL``, with the send task registered on it."""
    if config.QUEUE_URL.startswith("redis://"):
        from huey import RedisHuey  # needs the redis client: the prod extra

        huey: Huey = RedisHuey(QUEUE_NAME, url=config.QUEUE_URL, results=False)
    else:
        path = config.QUEUE_URL.removeprefix("sqlite:///")
        huey = SqliteHuey(QUEUE_NAME, filename=path, results=False)
    send = huey.task(
        retries=config.SEND_RETRIES,
        retry_delay=config.RETRY_DELAY_SECONDS,
        retry_backoff=config.RETRY_BACKOFF,
        context=True,
        name=SEND_EMAIL,
    )(_send_email)
    return EmailQueue(huey=huey, send=send)


@cache
def _sender(path: str) -> service.EmailSender:
    module, name = path.split(":")
    sender: service.EmailSender = getattr(importlib.import_module(module), name)
    return sender


def _send_email(email_id: str, task: Task) -> None:
    """In the worker: send one outbox row. Raising hands it back to huey for a retry."""
    config = load_notifications_config()
    asyncio.run(
        _send(uuid.UUID(email_id), sender=_sender(config.SENDER), last_try=task.retries == 0)
    )


async def _send(email_id: uuid.UUID, *, sender: service.EmailSender, last_try: bool) -> None:
    settings = load_settings()
    engine = create_engine(settings.DATABASE_URL, **settings.engine_options())
    try:
        await service.send_outboxed(
            sessionmaker=create_sessionmaker(engine),
            sender=sender,
            email_id=email_id,
            last_try=last_try,
        )
    finally:
        await engine.dispose()


def __getattr__(name: str) -> Huey:
    """``tasks.queue``, the consumer's queue, from the environment (``.env``) as the web app's
    is; made only when the consumer asks, so importing this module creates no queue file."""
    if name == "queue":
        return make_queue(load_notifications_config()).huey
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
