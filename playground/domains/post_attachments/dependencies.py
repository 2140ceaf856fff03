import uuid
from typing import Annotated

from fastapi import Depends

from playground.database import SessionDep
from playground.domains.post_attachments import exceptions, service
from playground.domains.post_attachments.models import PostAttachment
from playground.domains.posts import dependencies as posts_dependencies


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
