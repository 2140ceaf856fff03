import uuid

import pytest
from fastapi import BackgroundTasks
from sqlalchemy import select

import course
from course.checks import n15
from playground.auth.models import AuthUser
from playground.database import SessionDep, SessionmakerDep
from playground.domains.notifications import service
from playground.domains.notifications.dependencies import EmailSenderDep
from playground.domains.notifications.schemas import EmailQueued
from tests.course.wrong import Wrong

SOLUTION_LINES = [
    "✔ answers 202 {'status': 'queued'}; the user's outbox row is 'sent' afterwards",
    "✔ the email is sent after the response, not before",
    "✔ the task opens its own session from the injected sessionmaker",
]


async def solution(
    user_id: uuid.UUID,
    background_tasks: BackgroundTasks,
    sessionmaker: SessionmakerDep,
    sender: EmailSenderDep,
) -> EmailQueued:
    background_tasks.add_task(
        service.deliver,
        sessionmaker=sessionmaker,
        sender=sender,
        user_id=user_id,
        subject="Welcome aboard",
        body="Glad you are here.",
    )
    return EmailQueued()


async def skeleton(
    user_id: uuid.UUID,
    background_tasks: BackgroundTasks,
    sessionmaker: SessionmakerDep,
    sender: EmailSenderDep,
) -> EmailQueued:
    return EmailQueued()


async def inline(
    user_id: uuid.UUID, sessionmaker: SessionmakerDep, sender: EmailSenderDep
) -> EmailQueued:
    await service.deliver(
        sessionmaker=sessionmaker, sender=sender, user_id=user_id, subject="Welcome aboard", body=""
    )
    return EmailQueued()


async def request_session(
    user_id: uuid.UUID,
    background_tasks: BackgroundTasks,
    session: SessionDep,
    sender: EmailSenderDep,
) -> EmailQueued:
    """The anti-pattern: the task gets the request's session."""
    background_tasks.add_task(
        service.deliver,
        sessionmaker=lambda: session,  # type: ignore[arg-type]
        sender=sender,
        user_id=user_id,
        subject="Welcome aboard",
        body="",
    )
    return EmailQueued()


async def route_opened_session(
    user_id: uuid.UUID,
    background_tasks: BackgroundTasks,
    sessionmaker: SessionmakerDep,
    sender: EmailSenderDep,
) -> EmailQueued:
    """The anti-pattern in another form: a session the route opened, handed to the task."""
    async with sessionmaker() as session:
        background_tasks.add_task(
            service.deliver,
            sessionmaker=lambda: session,  # type: ignore[arg-type]
            sender=sender,
            user_id=user_id,
            subject="Welcome aboard",
            body="",
        )
    return EmailQueued()


async def fixed_user(
    user_id: uuid.UUID,
    background_tasks: BackgroundTasks,
    sessionmaker: SessionmakerDep,
    sender: EmailSenderDep,
) -> EmailQueued:
    """Hard-coded: always the notebook's user, ada, whatever the URL says."""
    async with sessionmaker() as session:
        ada = await session.scalar(select(AuthUser.id).where(AuthUser.username == "ada"))
    assert ada is not None
    background_tasks.add_task(
        service.deliver,
        sessionmaker=sessionmaker,
        sender=sender,
        user_id=ada,
        subject="Welcome aboard",
        body="",
    )
    return EmailQueued()


async def called_not_passed(
    user_id: uuid.UUID,
    background_tasks: BackgroundTasks,
    sessionmaker: SessionmakerDep,
    sender: EmailSenderDep,
) -> EmailQueued:
    """The likeliest slip: add_task(service.deliver(...)) hands over a coroutine, not a function."""
    background_tasks.add_task(
        service.deliver(  # type: ignore[arg-type]
            sessionmaker=sessionmaker,
            sender=sender,
            user_id=user_id,
            subject="Welcome aboard",
            body="",
        )
    )
    return EmailQueued()


async def test_the_solution_passes_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n15.welcome_email(solution, pg))
    assert capsys.readouterr().out.splitlines() == SOLUTION_LINES


SKELETON = skeleton
SENT = "answers 202 {'status': 'queued'}; the user's outbox row is 'sent' afterwards"
OWN_SESSION = "the task opens its own session from the injected sessionmaker"
WRONG = [
    Wrong(
        "sent inside the route",
        inline,
        "the email is sent after the response, not before",
        "the email went out before the response",
    ),
    Wrong(
        "the request's session",
        request_session,
        OWN_SESSION,
        "the row was written with the request's session (SessionDep), handed to the task",
    ),
    Wrong(
        "a session the route opened",
        route_opened_session,
        OWN_SESSION,
        "the row was written with a session the route opened itself, handed to the task",
    ),
    Wrong(
        "a hard-coded user",
        fixed_user,
        SENT,
        "no outbox row with subject 'Welcome aboard' for the user in the URL",
    ),
    Wrong(
        "deliver called inside add_task",
        called_not_passed,
        SENT,
        "add_task(service.deliver, ...) takes the function and its arguments",
    ),
]


async def check_cell(route: object) -> None:
    async with await course.start() as pg:
        await pg.user("ada")  # the notebook's user
        await course.check(n15.welcome_email(route, pg))  # type: ignore[arg-type]
