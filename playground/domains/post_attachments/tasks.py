"""The attachments' work on the queue: a deleted post's files, and a periodic sweep.

Registered on the app's one huey queue (``notifications.tasks.make_queue``), so ``make worker``
runs these beside the emails: the purge when the web process enqueues it, the sweep every
``SWEEP_EVERY_MINUTES`` (huey's scheduler, in the consumer only).
"""

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from huey import Huey, crontab

from playground.aws import client as aws_client
from playground.aws.config import load_aws_config
from playground.aws.exceptions import StorageUnavailable
from playground.config import load_settings
from playground.database import create_engine, create_sessionmaker, utcnow
from playground.domains.post_attachments import service
from playground.domains.post_attachments.config import (
    PostAttachmentsConfig,
    load_post_attachments_config,
)
from playground.domains.post_attachments.constants import (
    PURGE_RETRIES,
    PURGE_RETRY_DELAY_SECONDS,
)

logger = logging.getLogger(__name__)

PURGE_POST = "post_attachments.purge_post"
SWEEP = "post_attachments.sweep"


@dataclass(frozen=True)
class AttachmentTasks:
    purge_post: Any  # huey's TaskWrapper: calling it with a post id enqueues one purge
    sweep: Any  # the periodic sweep's TaskWrapper: calling it enqueues one sweep now


def register(huey: Huey, config: PostAttachmentsConfig) -> AttachmentTasks:
    """Declare the attachments' tasks on ``huey``, under names the web process shares."""
    purge_post = huey.task(
        retries=PURGE_RETRIES, retry_delay=PURGE_RETRY_DELAY_SECONDS, name=PURGE_POST
    )(_purge_post)
    sweep = huey.periodic_task(crontab(minute=f"*/{config.SWEEP_EVERY_MINUTES}"), name=SWEEP)(
        _sweep
    )
    return AttachmentTasks(purge_post=purge_post, sweep=sweep)


def _purge_post(post_id: str) -> None:
    """In the worker: remove a deleted post's files. S3 down raises: huey tries again."""
    asyncio.run(_purge(uuid.UUID(post_id)))


def _sweep() -> None:
    """In the worker: remove abandoned uploads and files no attachment reads."""
    asyncio.run(_run_sweep(load_post_attachments_config()))


async def _purge(post_id: uuid.UUID) -> None:
    settings = load_settings()  # the web app's database, reached as it reaches it
    engine = create_engine(settings.DATABASE_URL, **settings.engine_options())
    try:
        async with (
            aws_client.open_storage(load_aws_config()) as storage,
            create_sessionmaker(engine)() as session,
        ):
            removed = await service.purge_post_files(
                session=session, storage=storage, post_id=post_id
            )
    finally:
        await engine.dispose()
    logger.info("post %s: %d files removed", post_id, removed)


async def _run_sweep(config: PostAttachmentsConfig) -> service.Swept | None:
    """One sweep; S3 down is a warning (the next sweep tries again), not a traceback."""
    settings = load_settings()  # the web app's database, reached as it reaches it
    engine = create_engine(settings.DATABASE_URL, **settings.engine_options())
    try:
        async with aws_client.open_storage(load_aws_config()) as storage:
            swept = await service.sweep(
                sessionmaker=create_sessionmaker(engine),
                storage=storage,
                abandoned_before=utcnow() - timedelta(seconds=config.ABANDONED_AFTER_SECONDS),
            )
    except StorageUnavailable:
        logger.warning("sweep skipped: S3 unavailable")
        return None
    finally:
        await engine.dispose()
    logger.info("sweep: %d abandoned uploads, %d files removed", swept.abandoned, swept.files)
    return swept
