from fastapi import APIRouter, status

from playground.auth import exceptions as auth_exceptions
from playground.aws import exceptions as aws_exceptions
from playground.aws.client import StorageDep
from playground.database import SessionDep
from playground.domains.post_attachments import exceptions, service
from playground.domains.post_attachments.dependencies import OwnedAttachment
from playground.domains.post_attachments.models import PostAttachment
from playground.domains.post_attachments.schemas import (
    AttachmentCreate,
    AttachmentDownload,
    AttachmentResponse,
    AttachmentUpload,
)
from playground.domains.posts import dependencies as posts_dependencies
from playground.domains.posts import exceptions as posts_exceptions
from playground.exceptions import MalformedBody
from playground.openapi import error_responses
from playground.pagination import Page, PageParamsDep
from playground.routing import PlaygroundRoute

router = APIRouter(
    prefix="/posts/{post_id}/attachments", tags=["attachments"], route_class=PlaygroundRoute
)

_OWNER_ERRORS = (
    auth_exceptions.InvalidToken,
    auth_exceptions.UserInactive,
    auth_exceptions.UserNotOwner,
    posts_exceptions.PostNotFound,
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Start an upload to your post",
    responses=error_responses(MalformedBody, *_OWNER_ERRORS),
)
async def create_attachment(
    post: posts_dependencies.OwnedPost,
    data: AttachmentCreate,
    session: SessionDep,
    storage: StorageDep,
) -> AttachmentUpload:
    """Record the attachment and answer a presigned PUT URL: the bytes go straight to S3."""
    attachment = await service.create(session=session, post_id=post.id, data=data)
    upload = await storage.presign_upload(
        key=attachment.object_key, content_type=attachment.content_type
    )
    return AttachmentUpload(attachment=AttachmentResponse.model_validate(attachment), upload=upload)


@router.post(
    "/{attachment_id}/complete",  # noqa: FAST003 - a dependency reads it
    response_model=AttachmentResponse,
    summary="Confirm an upload",
    responses=error_responses(
        *_OWNER_ERRORS,
        exceptions.AttachmentNotFound,
        exceptions.AttachmentNotUploaded,
        aws_exceptions.StorageUnavailable,
    ),
)
async def complete_attachment(
    attachment: OwnedAttachment, session: SessionDep, storage: StorageDep
) -> PostAttachment:
    """Ask S3 whether the object is there with the declared size, then mark it uploaded."""
    stored = await storage.stat(key=attachment.object_key)
    if stored is None or stored.size != attachment.size:
        raise exceptions.AttachmentNotUploaded()
    return await service.mark_uploaded(session=session, attachment=attachment)


@router.get(
    "",
    summary="List a post's files",
    responses=error_responses(posts_exceptions.PostNotFound),
)
async def list_attachments(
    post: posts_dependencies.ValidPost,
    page: PageParamsDep,
    session: SessionDep,
    storage: StorageDep,
) -> Page[AttachmentDownload]:
    """The uploaded attachments, a page at a time, each with a presigned GET URL that expires
    (a page's worth of URLs signed, not one per attachment of the post)."""
    attachments, total = await service.list_uploaded(
        session=session, post_id=post.id, limit=page.limit, offset=page.offset
    )
    items = [
        AttachmentDownload.model_validate(
            {
                **AttachmentResponse.model_validate(attachment).model_dump(),
                "download": await storage.presign_download(key=attachment.object_key),
            }
        )
        for attachment in attachments
    ]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)
