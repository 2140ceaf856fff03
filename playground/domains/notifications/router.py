from collections.abc import Sequence

from fastapi import APIRouter, BackgroundTasks, status

from playground.auth import exceptions as auth_exceptions
from playground.database import SessionDep, SessionmakerDep
from playground.domains.notifications import service
from playground.domains.notifications.dependencies import EmailSenderDep, OwnUser
from playground.domains.notifications.models import NotificationEmail
from playground.domains.notifications.schemas import EmailCreate, EmailQueued, EmailResponse
from playground.exceptions import MalformedBody
from playground.openapi import error_responses

router = APIRouter(prefix="/users/{user_id}", tags=["notifications"])

_ERRORS = (
    auth_exceptions.InvalidToken,
    auth_exceptions.UserInactive,
    auth_exceptions.UserNotOwner,
)


@router.post(
    "/email",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=EmailQueued,
    summary="Queue an email to yourself",
    responses=error_responses(MalformedBody, *_ERRORS),
)
async def queue_email(
    data: EmailCreate,
    user: OwnUser,
    background_tasks: BackgroundTasks,
    sessionmaker: SessionmakerDep,
    sender: EmailSenderDep,
) -> EmailQueued:
    """Accept the email now; a background task writes the outbox row and sends it."""
    background_tasks.add_task(
        service.deliver,
        sessionmaker=sessionmaker,
        sender=sender,
        user_id=user.user_id,
        subject=data.subject,
        body=data.body,
    )
    return EmailQueued()


@router.get(
    "/emails",
    response_model=list[EmailResponse],
    summary="Your outbox",
    responses=error_responses(*_ERRORS),
)
async def list_emails(user: OwnUser, session: SessionDep) -> Sequence[NotificationEmail]:
    """The emails queued for you, oldest first."""
    return await service.list_for_user(session=session, user_id=user.user_id)
