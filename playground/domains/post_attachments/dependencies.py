import asyncio
import logging
import uuid
from typing import TYPE_CHECKING, Annotated

from fastapi import BackgroundTasks, Depends
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.concurrency import run_in_threadpool

from playground.aws.client import S3Storage, StorageDep
from playground.aws.exceptions import StorageUnavailable
from playground.database import SessionDep, SessionmakerDep
from playground.domains.notifications import dependencies as notifications_dependencies
from playground.domains.post_attachments import exceptions, service
from playground.domains.post_attachments.constants import ENQUEUE_TIMEOUT_SECONDS
from playground.domains.post_attachments.models import PostAttachment
from playground.domains.posts import dependencies as posts_dependencies

if TYPE_CHECKING:  # huey is imported only where work goes on the queue
    from playground.domains.notifications.tasks import EmailQueue

logger = logging.getLogger(__name__)


async def valid_owned_attachment(
    attachment_id: uuid.UUID, post: posts_dependencies.OwnedPost, session: SessionDep
) -> PostAttachment:
    """An attachment of the caller's own post; 404 ``ATTACHMENT_NOT_FOUND`` otherwise."""
    attachment = await service.get_for_post(
        session=session, post_id=post.id, attachment_id=attachment_id
    )
    if attachment is None:
        raise exceptions.AttachmentNotFound()
    return attachment


OwnedAttachment = Annotated[PostAttachment, Depends(valid_owned_attachment)]


async def _purge_here(
    *, sessionmaker: async_sessionmaker[AsyncSession], storage: S3Storage, post_id: uuid.UUID
) -> None:
    """The purge as a background task of the web process: S3 down is a warning, not a
    traceback (the worker's sweep removes the files later)."""
    try:
        async with sessionmaker() as session:
            await service.purge_post_files(session=session, storage=storage, post_id=post_id)
    except StorageUnavailable:
        logger.warning("the files of post %s were not removed: S3 unavailable", post_id)


class PostFilesPurge:
    """Removes a deleted post's files from S3 after the answer: a task on the app's queue
    when it has one (the worker tries again while S3 is down), else a background task here.
    Neither fails the delete: what they miss, the worker's periodic sweep removes."""

    def __init__(
        self,
        *,
        queue: "EmailQueue | None",
        background_tasks: BackgroundTasks,
        sessionmaker: async_sessionmaker[AsyncSession],
        storage: S3Storage,
    ) -> None:
        self._queue = queue
        self._background_tasks = background_tasks
        self._sessionmaker = sessionmaker
        self._storage = storage

    async def post_deleted(self, post_id: uuid.UUID) -> None:
        if self._queue is None:
            self._background_tasks.add_task(
                _purge_here, sessionmaker=self._sessionmaker, storage=self._storage, post_id=post_id
            )
            return
        try:
            async with asyncio.timeout(ENQUEUE_TIMEOUT_SECONDS):
                # huey's client is sync
                await run_in_threadpool(self._queue.attachments.purge_post, str(post_id))
        except Exception as exc:  # the queue's server down or slow: the sweep catches up
            logger.warning(
                "enqueueing the purge of post %s failed: %s", post_id, type(exc).__name__
            )


async def get_post_files_purge(
    queue: notifications_dependencies.EmailQueueDep,
    background_tasks: BackgroundTasks,
    sessionmaker: SessionmakerDep,
    storage: StorageDep,
) -> PostFilesPurge:
    return PostFilesPurge(
        queue=queue, background_tasks=background_tasks, sessionmaker=sessionmaker, storage=storage
    )


PostFilesPurgeDep = Annotated[PostFilesPurge, Depends(get_post_files_purge)]
