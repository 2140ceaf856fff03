import asyncio
import logging

from fastapi import APIRouter, BackgroundTasks, status
from starlette.concurrency import run_in_threadpool

from playground import observability
from playground.auth import exceptions as auth_exceptions
from playground.database import SessionDep, SessionmakerDep
from playground.domains.notifications import exceptions, service
from playground.domains.notifications.constants import ENQUEUE_TIMEOUT_SECONDS
from playground.domains.notifications.dependencies import EmailQueueDep, EmailSenderDep, OwnUser
from playground.domains.notifications.schemas import EmailCreate, EmailQueued, EmailResponse
from playground.exceptions import MalformedBody
from playground.openapi import error_responses
from playground.pagination import Page, PageParamsDep
from playground.routing import PlaygroundRoute

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/users/{user_id}", tags=["notifications"], route_class=PlaygroundRoute)

_ERRORS = (
    auth_exceptions.InvalidToken,
    auth_exceptions.UserInactive,
    auth_exceptions.UserNotOwner,
)


@router.post(
    "/email",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Queue an email to yourself",
    responses=error_responses(MalformedBody, *_ERRORS, exceptions.QueueUnavailable),
)
async def queue_email(
    data: EmailCreate,
    user: OwnUser,
    background_tasks: BackgroundTasks,
    session: SessionDep,
    sessionmaker: SessionmakerDep,
    sender: EmailSenderDep,
    queue: EmailQueueDep,
) -> EmailQueued:
    """Accept the email now. With a queue, the outbox row is written before the answer and a
    worker sends it; otherwise a background task writes the row and sends it."""
    if queue is not None:
        request_id = observability.request_id.get()
        email = await service.outbox(
            session=session,
            user_id=user.user_id,
            subject=data.subject,
            body=data.body,
            request_id=request_id,
        )
        try:
            async with asyncio.timeout(ENQUEUE_TIMEOUT_SECONDS):
                # huey's client is sync; the id goes along for the worker's log lines
                await run_in_threadpool(queue.enqueue, email.id, request_id=request_id)
        except Exception as exc:  # the queue's server down or slow: the caller tries again
            logger.warning("enqueueing email %s failed: %s", email.id, type(exc).__name__)
            await service.withdraw(session=session, email=email)
            raise exceptions.QueueUnavailable() from None
        return EmailQueued()
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
    summary="Your outbox",
    responses=error_responses(*_ERRORS),
)
async def list_emails(
    user: OwnUser, page: PageParamsDep, session: SessionDep
) -> Page[EmailResponse]:
    """The emails queued for you, oldest first, a page at a time."""
    emails, total = await service.list_for_user(
        session=session, user_id=user.user_id, limit=page.limit, offset=page.offset
    )
    items = [EmailResponse.model_validate(email) for email in emails]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)
