import uuid
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from playground.auth import dependencies as auth_dependencies
from playground.auth import exceptions as auth_exceptions
from playground.auth import schemas as auth_schemas
from playground.domains.notifications.service import EmailSender

if TYPE_CHECKING:  # huey is imported only where emails go on the queue
    from playground.domains.notifications.tasks import EmailQueue


def get_email_sender(request: Request) -> EmailSender:
    sender: EmailSender = request.app.state.email_sender
    return sender


EmailSenderDep = Annotated[EmailSender, Depends(get_email_sender)]


def get_email_queue(request: Request) -> "EmailQueue | None":
    """The app's email queue, or ``None`` when emails go out as background tasks."""
    queue: EmailQueue | None = request.app.state.email_queue
    return queue


EmailQueueDep = Annotated["EmailQueue | None", Depends(get_email_queue)]


async def valid_own_user_id(
    user_id: uuid.UUID, user: auth_dependencies.ActiveUser
) -> auth_schemas.JWTData:
    """The path's ``user_id`` must be the (active) caller's own; 403 otherwise."""
    if user_id != user.user_id:
        raise auth_exceptions.UserNotOwner()
    return user


OwnUser = Annotated[auth_schemas.JWTData, Depends(valid_own_user_id)]
