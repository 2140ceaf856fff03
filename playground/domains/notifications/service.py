import logging
import uuid
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import select
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
        try:
            await sender(user_id=user_id, subject=subject, body=body)
        except Exception:
            logger.exception("sending email %s failed", email.id)
            email.status = EmailStatus.FAILED
        else:
            email.status = EmailStatus.SENT
            email.sent_at = utcnow()
        await session.commit()
        return email.id


async def list_for_user(
    *, session: AsyncSession, user_id: uuid.UUID
) -> Sequence[NotificationEmail]:
    """A user's outbox, oldest first."""
    emails = await session.scalars(
        select(NotificationEmail)
        .where(NotificationEmail.user_id == user_id)
        .order_by(NotificationEmail.created_at, NotificationEmail.id)
    )
    return emails.all()
