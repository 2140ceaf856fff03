from fastapi import APIRouter, Response, status

from playground.auth import exceptions as auth_exceptions
from playground.aws import exceptions as aws_exceptions
from playground.aws.client import StorageDep
from playground.database import SessionDep
from playground.domains.post_attachments import exceptions, service
from playground.domains.post_attachments.dependencies import OwnedAttachment, OwnedPostFiles
from playground.domains.post_attachments.models import PostAttachment
from playground.domains.post_attachments.schemas import (
    AttachmentCreate,
    AttachmentDownload,
    AttachmentResponse,
    AttachmentUpload,
)
from playground.domains.posts import dependencies as posts_dependencies
from playground.domains.posts import exceptions as posts_exceptions
from playground.domains.posts import service as posts_service
from playground.exceptions import MalformedBody
from playground.openapi import error_responses
from playground.pagination import Page, PageParamsDep
from playground.routing import PlaygroundRoute

# Deleting a post lives here too, under its /posts path: its files go with it, and only this
# package sees both the post and its files.
router = APIRouter(prefix="/posts/{post_id}", route_class=PlaygroundRoute)

_OWNER_ERRORS = (
    auth_exceptions.InvalidToken,
    auth_exceptions.UserInactive,
    auth_exceptions.UserNotOwner,
    posts_exceptions.PostNotFound,
)


@router.post(
    "/attachments",
    status_code=status.HTTP_201_CREATED,
    tags=["attachments"],
    summary="Start an upload to your post",
    responses=error_responses(MalformedBody, *_OWNER_ERRORS),
)
async def create_attachment(
    post: posts_dependencies.OwnedPost,
    data: AttachmentCreate,
    session: SessionDep,
    storage: StorageDep,
) -> AttachmentUpload:
    """Record the attachment and answer a presigned form POST for exactly the declared size
    and type: the bytes go straight to S3, which enforces both."""
    attachment = await service.create(session=session, post_id=post.id, data=data)
    upload = await storage.presign_upload(
        key=service.upload_key(attachment),
        content_type=attachment.content_type,
        size=attachment.size,
    )
    return AttachmentUpload(attachment=AttachmentResponse.model_validate(attachment), upload=upload)


@router.post(
    "/attachments/{attachment_id}/complete",  # noqa: FAST003 - a dependency reads it
    response_model=AttachmentResponse,
    tags=["attachments"],
    summary="Confirm an upload",
    responses=error_responses(
        *_OWNER_ERRORS,
        exceptions.AttachmentNotFound,
        exceptions.AttachmentNotUploaded,
        exceptions.AttachmentRejected,
        aws_exceptions.StorageUnavailable,
    ),
)
async def complete_attachment(
    attachment: OwnedAttachment, session: SessionDep, storage: StorageDep
) -> PostAttachment:
    """Ask S3 whether the upload is there with the declared size and type, move it where
    downloads read it, and mark the attachment uploaded; a file that fails is deleted."""
    return await service.complete(session=session, storage=storage, attachment=attachment)


@router.get(
    "/attachments",
    tags=["attachments"],
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
    and downloads as a file (a page's worth of URLs signed, not one per attachment of the
    post). A pending attachment has none: nothing is served before ``complete``."""
    attachments, total = await service.list_uploaded(
        session=session, post_id=post.id, limit=page.limit, offset=page.offset
    )
    items = [
        AttachmentDownload.model_validate(
            {
                **AttachmentResponse.model_validate(attachment).model_dump(),
                "download": await storage.presign_download(
                    key=attachment.object_key, filename=attachment.filename
                ),
            }
        )
        for attachment in attachments
    ]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.delete(
    "",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    tags=["posts"],
    summary="Delete your post",
    responses=error_responses(*_OWNER_ERRORS),
)
async def delete_post(
    post: posts_dependencies.OwnedPost, session: SessionDep, files: OwnedPostFiles
) -> None:
    """Delete your own post, its reviews and attachments; their files leave S3 after the
    answer (a download URL issued before stops working then)."""
    await posts_service.delete(session=session, post=post)
    await files.purge()
