import logging
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from playground.database import utcnow
from playground.domains.notifications.constants import EmailStatus
from playground.domains.notifications.models import NotificationEmail

logger = logging.getLogger(__name__)


class EmailSender(Protocol):
    """The pluggable send step (SMTP, an API, a test double)."""

    async def __call__(self, *, user_id: uuid.UUID, subject: str, body: str) -> None: ...


async def log_email(*, user_id: uuid.UUID, subject: str, body: str) -> None:
    """The default sender: the playground has no mail server, so it logs."""
    logger.info("email to %s: %s", user_id, subject)


async def _send_and_record(
    *, session: AsyncSession, email: NotificationEmail, sender: EmailSender, last_try: bool
) -> None:
    """Send one outbox row and record the outcome. A failure puts the row back in the queue
    and raises (to be tried again) unless this is the last try, which logs it and marks the
    row failed."""
    try:
        await sender(user_id=email.user_id, subject=email.subject, body=email.body)
    except Exception:
        if not last_try:
            email.status = EmailStatus.QUEUED
            await session.commit()
            raise
        logger.exception("sending email %s failed", email.id)
        email.status = EmailStatus.FAILED
    else:
        email.status = EmailStatus.SENT
        email.sent_at = utcnow()
    await session.commit()


async def deliver(
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    sender: EmailSender,
    user_id: uuid.UUID,
    subject: str,
    body: str,
) -> uuid.UUID:
    """Background task: write the outbox row, send, record the outcome.

    It opens its own session: the request's session (``SessionDep``, ``scope="function"``)
    is closed when the route returns, so a task must never reuse it.
    """
    async with sessionmaker() as session:
        email = NotificationEmail(user_id=user_id, subject=subject, body=body)
        session.add(email)
        await session.commit()
        await _send_and_record(session=session, email=email, sender=sender, last_try=True)
        return email.id


async def outbox(
    *, session: AsyncSession, user_id: uuid.UUID, subject: str, body: str, request_id: str | None
) -> NotificationEmail:
    """Write the outbox row now, in the request: whatever happens next, it is not lost."""
    email = NotificationEmail(user_id=user_id, subject=subject, body=body, request_id=request_id)
    session.add(email)
    await session.commit()
    return email


async def withdraw(*, session: AsyncSession, email: NotificationEmail) -> None:
    """Remove an outbox row that never reached the queue (the caller is told to try again)."""
    await session.delete(email)
    await session.commit()


async def send_outboxed(
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    sender: EmailSender,
    email_id: uuid.UUID,
    last_try: bool,
) -> EmailStatus | None:
    """The queue's task: take one queued row, send it and record it. A failed send raises (to
    be retried) unless this is the last try, which marks the row failed instead."""
    async with sessionmaker() as session:
        email = await _take(session=session, email_id=email_id)
        if email is None:
            return None  # withdrawn, sent already, or being sent by another delivery
        await _send_and_record(session=session, email=email, sender=sender, last_try=last_try)
        return email.status


async def _take(*, session: AsyncSession, email_id: uuid.UUID) -> NotificationEmail | None:
    """Mark a queued row ``sending`` in one UPDATE: of two deliveries of the same id (a task
    put on the queue again, a second worker), one takes it and the other finds nothing."""
    taken = await session.execute(
        update(NotificationEmail)
        .where(NotificationEmail.id == email_id, NotificationEmail.status == EmailStatus.QUEUED)
        .values(status=EmailStatus.SENDING)
        .returning(NotificationEmail.id)
    )
    if taken.first() is None:
        await session.rollback()
        return None
    await session.commit()
    return await session.get(NotificationEmail, email_id)


async def stalled(*, session: AsyncSession, after: timedelta) -> Sequence[NotificationEmail]:
    """Rows that were lost on their way (``queued`` or ``sending``, unchanged for ``after``: a
    worker killed mid-send, a queue server restarted empty), made ``queued`` again now; the
    caller puts them on the queue. A send that outlives ``after`` may be made twice."""
    lost = await session.scalars(
        update(NotificationEmail)
        .where(
            NotificationEmail.status.in_([EmailStatus.QUEUED, EmailStatus.SENDING]),
            NotificationEmail.updated_at < utcnow() - after,
        )
        .values(status=EmailStatus.QUEUED)
        .returning(NotificationEmail)
    )
    emails = lost.all()
    await session.commit()
    return emails


async def list_for_user(
    *, session: AsyncSession, user_id: uuid.UUID, limit: int, offset: int
) -> tuple[Sequence[NotificationEmail], int]:
    """A window of a user's outbox, oldest first, and how many emails it holds."""
    mine = NotificationEmail.user_id == user_id
    total = await session.scalar(select(func.count()).select_from(NotificationEmail).where(mine))
    emails = await session.scalars(
        select(NotificationEmail)
        .where(mine)
        .order_by(NotificationEmail.created_at, NotificationEmail.id)
        .limit(limit)
        .offset(offset)
    )
    return emails.all(), total or 0
