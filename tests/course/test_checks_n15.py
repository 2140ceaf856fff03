import uuid

import pytest
from fastapi import BackgroundTasks

import course
from course.checks import n15
from playground.database import SessionDep, SessionmakerDep
from playground.domains.notifications import service
from playground.domains.notifications.dependencies import EmailSenderDep
from playground.domains.notifications.schemas import EmailQueued

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


def fixed_user(user_id_seen: uuid.UUID) -> object:
    """Hard-coded: always the same user, whatever the URL says."""

    async def welcome(
        user_id: uuid.UUID,
        background_tasks: BackgroundTasks,
        sessionmaker: SessionmakerDep,
        sender: EmailSenderDep,
    ) -> EmailQueued:
        background_tasks.add_task(
            service.deliver,
            sessionmaker=sessionmaker,
            sender=sender,
            user_id=user_id_seen,
            subject="Welcome aboard",
            body="",
        )
        return EmailQueued()

    return welcome


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


async def test_the_skeleton_fails_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n15.welcome_email(skeleton, pg))
    out = capsys.readouterr().out
    assert "no outbox row with subject 'Welcome aboard' for the user in the URL" in out
    assert "the sender was never called" in out
    assert "no outbox row was written through the injected sessionmaker" in out
    assert out.count("✘") == 3 and "✔" not in out


async def test_sending_inside_the_route_fails_the_timeline_only(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n15.welcome_email(inline, pg))
    out = capsys.readouterr().out
    assert "✘ the email is sent after the response, not before: the email went out before" in out
    assert out.count("✘") == 1


@pytest.mark.parametrize(
    ("route", "writer"),
    [
        (request_session, "the request's session (SessionDep)"),
        (route_opened_session, "a session the route opened itself"),
    ],
)
async def test_handing_the_task_a_request_session_fails(
    pg: course.Playground, capsys: pytest.CaptureFixture[str], route: object, writer: str
) -> None:
    await course.check(n15.welcome_email(route, pg))  # type: ignore[arg-type]
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[:2] == SOLUTION_LINES[:2]
    assert lines[2] == (
        "✘ the task opens its own session from the injected sessionmaker: the row was written "
        f"with {writer}, handed to the task: pass sessionmaker=sessionmaker and let the task "
        "open its own session"
    )
    assert out.count("✘") == 1


async def test_a_hard_coded_user_fails(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    ada = await pg.user("ada")
    await course.check(n15.welcome_email(fixed_user(ada.id), pg))  # type: ignore[arg-type]
    out = capsys.readouterr().out
    assert "✘ answers 202" in out
    assert "no outbox row with subject 'Welcome aboard' for the user in the URL" in out
    assert out.count("✘") == 1


async def test_calling_deliver_inside_add_task_names_the_slip(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n15.welcome_email(called_not_passed, pg))
    out = capsys.readouterr().out
    assert out.count("✘") == 3
    assert "add_task(service.deliver, ...) takes the function and its arguments" in out
