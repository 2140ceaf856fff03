import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from playground.aws import utils as aws_utils
from playground.aws.client import S3Storage
from playground.database import FOREIGN_KEY_VIOLATION, utcnow, violated_constraint
from playground.domains.post_attachments import exceptions
from playground.domains.post_attachments.constants import (
    KEY_PREFIX,
    UPLOAD_PREFIX,
    AttachmentStatus,
)
from playground.domains.post_attachments.models import PostAttachment
from playground.domains.post_attachments.schemas import AttachmentCreate
from playground.domains.posts import exceptions as posts_exceptions
from playground.domains.posts import models as posts_models

logger = logging.getLogger(__name__)

SWEEP_BATCH = 500  # abandoned attachments removed per statement (and per S3 delete)


async def create(
    *, session: AsyncSession, post_id: uuid.UUID, data: AttachmentCreate
) -> PostAttachment:
    """Record a pending attachment, its object key fixed now, and commit."""
    attachment_id = uuid.uuid4()
    key = aws_utils.object_key(
        prefix=KEY_PREFIX, owner_id=post_id, item_id=attachment_id, filename=data.filename
    )
    attachment = PostAttachment(
        id=attachment_id,
        post_id=post_id,
        filename=data.filename,
        content_type=data.content_type,
        size=data.size,
        object_key=key,
    )
    session.add(attachment)
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        if violated_constraint(exc) in {"post_attachment_post_id_fkey", FOREIGN_KEY_VIOLATION}:
            raise posts_exceptions.PostNotFound() from None  # deleted since ``valid_post_id``
        raise
    return attachment


async def get_for_post(
    *, session: AsyncSession, post_id: uuid.UUID, attachment_id: uuid.UUID
) -> PostAttachment | None:
    """The post's attachment with this id, or ``None``."""
    attachment = await session.get(PostAttachment, attachment_id)
    if attachment is None or attachment.post_id != post_id:
        return None
    return attachment


def upload_key(attachment: PostAttachment) -> str:
    """Where the client's upload lands: the file's own key under the upload prefix."""
    return UPLOAD_PREFIX + attachment.object_key.removeprefix(KEY_PREFIX)


async def complete(
    *, session: AsyncSession, storage: S3Storage, attachment: PostAttachment
) -> PostAttachment:
    """Check the upload S3 holds against what was declared, move it where downloads read it,
    and mark the attachment uploaded. A file of another size or type is deleted (409
    ``ATTACHMENT_REJECTED``). Once uploaded, the attachment is answered as it stands: what
    the upload URL writes afterwards lands where nothing reads it.
    """
    if attachment.status is AttachmentStatus.UPLOADED:
        return attachment
    staged = upload_key(attachment)
    stored = await storage.stat(key=staged)
    if stored is None or stored.etag is None:
        return await _completed_meanwhile(session=session, attachment=attachment)
    if (stored.size, stored.content_type) != (attachment.size, attachment.content_type):
        await storage.delete(keys=[staged])
        raise exceptions.AttachmentRejected()
    # The bytes just checked, and no others (a new upload since the HEAD is not copied).
    if not await storage.copy(source=staged, destination=attachment.object_key, etag=stored.etag):
        return await _completed_meanwhile(session=session, attachment=attachment)
    await storage.delete(keys=[staged])
    try:
        return await mark_uploaded(session=session, attachment=attachment)
    except exceptions.AttachmentNotFound:  # the post was deleted meanwhile: keep no file of it
        await storage.delete(keys=[attachment.object_key])
        raise


async def _completed_meanwhile(
    *, session: AsyncSession, attachment: PostAttachment
) -> PostAttachment:
    """No upload to move: a concurrent ``complete`` may have moved it; otherwise there is none."""
    status = await session.scalar(
        select(PostAttachment.status).where(PostAttachment.id == attachment.id)
    )
    if status is None:
        raise exceptions.AttachmentNotFound()
    if status is AttachmentStatus.UPLOADED:
        await session.refresh(attachment)
        return attachment
    raise exceptions.AttachmentNotUploaded()


async def mark_uploaded(*, session: AsyncSession, attachment: PostAttachment) -> PostAttachment:
    """The bytes are in storage: mark the attachment uploaded (once) and commit."""
    if attachment.status is not AttachmentStatus.UPLOADED:
        attachment.status = AttachmentStatus.UPLOADED
        attachment.uploaded_at = utcnow()
        try:
            await session.commit()
        except StaleDataError:  # the post (and so the attachment) was deleted meanwhile
            raise exceptions.AttachmentNotFound() from None
    return attachment


async def has_attachments(*, session: AsyncSession, post_id: uuid.UUID) -> bool:
    """Whether the post has an attachment, uploaded or under way."""
    found = await session.scalar(
        select(PostAttachment.id).where(PostAttachment.post_id == post_id).limit(1)
    )
    return found is not None


async def list_uploaded(
    *, session: AsyncSession, post_id: uuid.UUID, limit: int, offset: int
) -> tuple[Sequence[PostAttachment], int]:
    """A window of a post's uploaded attachments, oldest first, and how many there are."""
    uploaded = (
        PostAttachment.post_id == post_id,
        PostAttachment.status == AttachmentStatus.UPLOADED,
    )
    total = await session.scalar(select(func.count()).select_from(PostAttachment).where(*uploaded))
    attachments = await session.scalars(
        select(PostAttachment)
        .where(*uploaded)
        .order_by(PostAttachment.created_at, PostAttachment.id)
        .limit(limit)
        .offset(offset)
    )
    return attachments.all(), total or 0


async def purge_post_files(*, session: AsyncSession, storage: S3Storage, post_id: uuid.UUID) -> int:
    """Delete from S3 every file of a deleted post, completed or still uploading; how many.

    A post that still exists keeps its files: only its deletion may remove them.
    """
    if await session.get(posts_models.Post, post_id) is not None:
        logger.warning("post %s still exists: its files are kept", post_id)
        return 0
    removed = 0
    for prefix in (KEY_PREFIX, UPLOAD_PREFIX):
        async for page in storage.list_objects(prefix=f"{prefix}/{post_id}/"):
            await storage.delete(keys=[item.key for item in page])
            removed += len(page)
    return removed


@dataclass(frozen=True)
class Swept:
    abandoned: int  # pending attachments removed, their uploads with them
    files: int  # files found with no attachment to read them, removed


async def sweep(
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    storage: S3Storage,
    abandoned_before: datetime,
) -> Swept:
    """Remove from S3 and the database what no attachment will ever read.

    1. Attachments still pending that were started before ``abandoned_before``: their
       uploads, then the rows (one that was completed meanwhile is kept).
    2. Anything under the upload prefix older than that (an upload of an attachment gone,
       or sent again after ``complete``: it landed where nothing reads).
    3. Completed files whose attachment is gone (a deleted post's, had its purge been lost).
    """
    abandoned = files = 0
    async with sessionmaker() as session:
        pending = (
            PostAttachment.status == AttachmentStatus.PENDING,
            PostAttachment.created_at < abandoned_before,
        )
        while stale := (
            await session.scalars(
                select(PostAttachment)
                .where(*pending)
                .order_by(PostAttachment.id)
                .limit(SWEEP_BATCH)
            )
        ).all():
            await storage.delete(keys=[upload_key(attachment) for attachment in stale])
            removed = await session.execute(
                sa.delete(PostAttachment)
                .where(PostAttachment.id.in_([a.id for a in stale]), *pending)
                .execution_options(synchronize_session=False)
            )
            await session.commit()
            session.expunge_all()
            abandoned += removed.rowcount  # type: ignore[attr-defined]
        async for page in storage.list_objects(prefix=f"{UPLOAD_PREFIX}/"):
            old = [item.key for item in page if item.last_modified < abandoned_before]
            await storage.delete(keys=old)
            files += len(old)
        async for page in storage.list_objects(prefix=f"{KEY_PREFIX}/"):
            keys = [item.key for item in page]
            kept = set(
                await session.scalars(
                    select(PostAttachment.object_key).where(PostAttachment.object_key.in_(keys))
                )
            )
            orphans = [key for key in keys if key not in kept]
            await storage.delete(keys=orphans)
            files += len(orphans)
    return Swept(abandoned=abandoned, files=files)
