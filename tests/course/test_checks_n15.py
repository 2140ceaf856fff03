import uuid

import pytest
from fastapi import BackgroundTasks

import course
from course.checks import n15
from playground.database import SessionmakerDep
from playground.domains.notifications import service
from playground.domains.notifications.dependencies import EmailSenderDep
from playground.domains.notifications.schemas import EmailQueued


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


async def test_the_solution_passes_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n15.welcome_email(solution, pg))
    assert capsys.readouterr().out.splitlines() == [
        "✔ answers 202 {'status': 'queued'}",
        "✔ the outbox row is 'sent' once the request is done",
        "✔ the email is sent after the response, not before",
    ]


async def test_the_skeleton_fails(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n15.welcome_email(skeleton, pg))
    out = capsys.readouterr().out
    assert "✘ the outbox row is 'sent' once the request is done: outbox rows" in out
    assert out.count("✘") == 2


async def test_sending_inside_the_route_fails_the_timeline(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n15.welcome_email(inline, pg))
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "✔ the outbox row is 'sent' once the request is done"
    assert lines[2].startswith("✘ the email is sent after the response, not before: timeline:")
