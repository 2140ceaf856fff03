"""Notebook 15's exercise: a route that answers 202 now and sends the email in a background task."""

import uuid
from collections.abc import Callable
from typing import Any

import httpx
from fastapi import FastAPI

import course
from course.server import RecordResponseSent

SUBJECT = "Welcome aboard"


async def _call(
    route: Callable[..., Any], pg: course.Playground
) -> tuple[httpx.Response, list[str]]:
    """Mount ``route`` on a small app over the playground's database; POST once; the timeline."""
    events: list[str] = []

    async def recording_sender(*, user_id: uuid.UUID, subject: str, body: str) -> None:
        events.append(f"sender: {subject}")

    app = FastAPI()
    app.add_middleware(RecordResponseSent, events=events)
    app.state.sessionmaker = pg.app.state.sessionmaker
    app.state.email_sender = recording_sender
    app.post("/welcome/{user_id}", status_code=202)(course.answered(route))
    ada = await pg.user("ada")
    await pg.sql("DELETE FROM notification_email WHERE subject = :s", s=SUBJECT)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://welcome") as client:
        response = await client.post(f"/welcome/{ada.id}")
    return response, events


def welcome_email(route: Callable[..., Any], pg: course.Playground) -> list[course.Check]:
    """``route`` answers 202 at once and hands ``service.deliver`` to ``background_tasks``."""

    async def accepted() -> None:
        response, _ = await _call(route, pg)
        assert response.status_code == 202, f"got HTTP {response.status_code}"
        assert response.json() == {"status": "queued"}, f"got {response.json()}"

    async def row_sent() -> None:
        await _call(route, pg)
        rows = await pg.sql("SELECT status FROM notification_email WHERE subject = :s", s=SUBJECT)
        assert rows == [("sent",)], f"outbox rows for {SUBJECT!r}: {rows}"

    async def after_the_response() -> None:
        _, events = await _call(route, pg)
        assert events == ["server: response sent", f"sender: {SUBJECT}"], f"timeline: {events}"

    return [
        course.Check("answers 202 {'status': 'queued'}", "return EmailQueued()", accepted),
        course.Check(
            "the outbox row is 'sent' once the request is done",
            f"background_tasks.add_task(service.deliver, ..., subject={SUBJECT!r}, body=...)",
            row_sent,
        ),
        course.Check(
            "the email is sent after the response, not before",
            "add_task, do not await service.deliver in the route",
            after_the_response,
        ),
    ]
