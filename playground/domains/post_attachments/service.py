import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from playground.aws import utils as aws_utils
from playground.database import FOREIGN_KEY_VIOLATION, utcnow, violated_constraint
from playground.domains.post_attachments import exceptions
from playground.domains.post_attachments.constants import KEY_PREFIX, AttachmentStatus
from playground.domains.post_attachments.models import PostAttachment
from playground.domains.post_attachments.schemas import AttachmentCreate
from playground.domains.posts import exceptions as posts_exceptions


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
