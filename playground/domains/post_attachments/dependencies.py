import asyncio
import logging
import uuid
from typing import TYPE_CHECKING, Annotated

from fastapi import BackgroundTasks, Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.concurrency import run_in_threadpool

from playground.aws import client as aws_client
from playground.aws.client import S3Storage
from playground.aws.exceptions import StorageUnavailable
from playground.database import SessionDep, SessionmakerDep
from playground.domains.post_attachments import exceptions, service
from playground.domains.post_attachments.constants import ENQUEUE_TIMEOUT_SECONDS
from playground.domains.post_attachments.models import PostAttachment
from playground.domains.posts import dependencies as posts_dependencies

if TYPE_CHECKING:  # huey is imported only where work goes on the queue
    from playground.domains.post_attachments import tasks

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


class PostFiles:
    """The files of the path's post, removed from S3 once it is deleted, after the answer: by
    a task on the app's queue when it has one (the worker tries again while S3 is down), else
    by a background task here. Neither fails the delete: what they miss, the worker's
    periodic sweep removes. A post that had no attachment costs S3 nothing."""

    def __init__(
        self,
        *,
        post_id: uuid.UUID,
        has_files: bool,
        queue: "tasks.AttachmentTasks | None",
        background_tasks: BackgroundTasks,
        sessionmaker: async_sessionmaker[AsyncSession],
        request: Request,
    ) -> None:
        self.post_id = post_id
        self.has_files = has_files
        self._queue = queue
        self._background_tasks = background_tasks
        self._sessionmaker = sessionmaker
        self._request = request

    async def purge(self) -> None:
        """Call it once the post is deleted."""
        if not self.has_files:
            return
        if self._queue is None:
            self._background_tasks.add_task(
                _purge_here,
                sessionmaker=self._sessionmaker,
                storage=aws_client.get_storage(self._request),  # the app's client
                post_id=self.post_id,
            )
            return
        try:
            async with asyncio.timeout(ENQUEUE_TIMEOUT_SECONDS):
                # huey's client is sync
                await run_in_threadpool(self._queue.purge_post, str(self.post_id))
        except Exception as exc:  # the queue's server down or slow: the sweep catches up
            logger.warning(
                "enqueueing the purge of post %s failed: %s", self.post_id, type(exc).__name__
            )


async def get_attachment_tasks(request: Request) -> "tasks.AttachmentTasks | None":
    """The attachments' tasks on the app's queue (made with the email queue, when emails go
    on one: ``app.state.email_queue``), or ``None``: the work then stays in the web process."""
    queue = request.app.state.email_queue
    return None if queue is None else queue.attachments


async def owned_post_files(
    post: posts_dependencies.OwnedPost,
    session: SessionDep,
    queue: Annotated["tasks.AttachmentTasks | None", Depends(get_attachment_tasks)],
    background_tasks: BackgroundTasks,
    sessionmaker: SessionmakerDep,
    request: Request,
) -> PostFiles:
    """The caller's post's files (whether it has any is read now, before it is deleted)."""
    return PostFiles(
        post_id=post.id,
        has_files=await service.has_attachments(session=session, post_id=post.id),
        queue=queue,
        background_tasks=background_tasks,
        sessionmaker=sessionmaker,
        request=request,
    )


OwnedPostFiles = Annotated[PostFiles, Depends(owned_post_files)]
