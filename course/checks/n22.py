"""Notebook 22's exercise: the settings of a playground that must not lose a welcome email."""

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

import course
from course.exercises import Unanswered
from playground.config import describe_validation_error
from playground.domains.notifications.config import NotificationsConfig
from playground.domains.notifications.tasks import EmailQueue

SUBJECT = "Welcome aboard"
RETRIES = 3
DELAY = 2


@dataclass(frozen=True)
class Outcome:
    status: int
    row: str | None  # the outbox row's status once the 202 is back
    queue: EmailQueue | None
    pending: list[tuple[int, float]]  # (retries, retry_delay) of each task waiting on the queue


async def _run(notifications: dict[str, Any]) -> Outcome:
    """A playground on these settings, one welcome email over HTTP, no worker running."""
    async with await course.start(notifications=notifications) as pg:
        ada = await pg.user("ada")
        response = await pg.client.post(
            f"/users/{ada.id}/email", json={"subject": SUBJECT, "body": "Hi"}, headers=ada.headers
        )
        rows = await pg.sql("SELECT status FROM notification_email")
        queue: EmailQueue | None = pg.app.state.email_queue
        pending = (
            [] if queue is None else [(t.retries, t.retry_delay) for t in queue.huey.pending()]
        )
        return Outcome(response.status_code, str(rows[0][0]) if rows else None, queue, pending)


def _known(notifications: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(notifications) - set(NotificationsConfig.model_fields))
    assert not unknown, (
        f"no setting named {', '.join(unknown)} (it would be ignored): "
        f"the settings are {', '.join(NotificationsConfig.model_fields)}"
    )
    return notifications


def _named(exc: Exception) -> Exception:
    if isinstance(exc, ValidationError):
        return AssertionError(describe_validation_error(exc, prefix=""))
    return exc


def welcome_settings(notifications: dict[str, Any]) -> list[course.Check]:
    """The welcome email is kept on a queue (not in the web process) and retried as asked."""
    outcomes: list[Outcome] = []

    async def outcome() -> Outcome:
        """One playground for all the checks (the later ones run only if the first passed)."""
        if not outcomes:
            try:
                outcomes.append(await _run(_known(course.answered(notifications))))
            except Unanswered:
                raise
            except Exception as exc:  # a setting the playground refuses: said once, by name
                raise _named(exc) from None
        return outcomes[0]

    async def kept() -> None:
        done = await outcome()
        assert done.status == 202, f"got HTTP {done.status}"
        assert done.row != "sent", (
            "the outbox row was already 'sent' when the 202 came back: the email went out in "
            "the web process (BackgroundTasks), where a crash loses it; DELIVERY='queue'"
        )
        assert done.row == "queued", f"the outbox row once the 202 is back: {done.row!r}"

    async def on_the_queue() -> None:
        done = await outcome()
        assert done.queue is not None, "no queue: the email went to BackgroundTasks"
        assert len(done.pending) == 1, f"tasks waiting on the queue: {len(done.pending)}"

    async def retried() -> None:
        pending = (await outcome()).pending
        assert pending, "no task on the queue to retry"
        retries, delay = pending[0]
        assert retries >= RETRIES, f"SEND_RETRIES is {retries}, fewer than {RETRIES}"
        assert delay >= DELAY, f"RETRY_DELAY_SECONDS is {delay}, less than {DELAY}"

    written = course.Check(
        "202, and the outbox row is written (queued) before any worker runs",
        "DELIVERY='queue': the row is written in the request, not in a background task",
        kept,
    )
    queued = course.Check(
        "the email waits on the queue, not in the web process's memory",
        "DELIVERY='queue' (QUEUE_URL may stay the playground's own file)",
        on_the_queue,
        needs=written,
    )
    return [
        written,  # settings the playground refuses, or no queue: the checks below wait
        queued,
        course.Check(
            f"a failed send is tried {RETRIES} more times, the first after {DELAY} s or more",
            f"SEND_RETRIES={RETRIES}, RETRY_DELAY_SECONDS={DELAY}",
            retried,
            needs=queued,
        ),
    ]
