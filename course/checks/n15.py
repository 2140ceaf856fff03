"""Notebook 15's exercise: a route that answers 202 now and sends the email in a background task.

Each check mounts the learner's route on a small app over the playground's database and POSTs
once, for a user of its own (made for that call, so no check sees another's rows). The app's
``sessionmaker`` records who opened each session and which session wrote the outbox row: the
request's (``SessionDep``), one the route opened itself, or one the task opened.
"""

import gc
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

import course
from course.server import RecordResponseSent
from playground.domains.notifications.models import NotificationEmail

SUBJECT = "Welcome aboard"


@dataclass
class _Call:
    user_id: uuid.UUID
    response: httpx.Response | None = None
    error: str | None = None  # what the request (or its background task) raised
    events: list[str] = field(default_factory=list)
    writers: list[str] = field(default_factory=list)  # who opened the session that wrote the row


class _RecordingSessionmaker:
    """The injected ``sessionmaker``: a real one that notes who called it and what it wrote."""

    def __init__(self, real: async_sessionmaker[AsyncSession], call: _Call, route: str) -> None:
        self.real, self.call, self.route = real, call, route

    def __call__(self) -> AsyncSession:
        caller = sys._getframe(1).f_code.co_name
        opener = (
            "the request's session (SessionDep)"
            if caller == "get_session"
            else "a session the route opened itself"
            if caller == self.route
            else "a session the task opened"
        )
        session = self.real()
        call = self.call

        def before_flush(sync: Session, *_: object) -> None:
            if any(isinstance(obj, NotificationEmail) for obj in sync.new):
                call.writers.append(opener)

        event.listen(session.sync_session, "before_flush", before_flush)
        return session


async def _call(route: Callable[..., Any], pg: course.Playground) -> _Call:
    """Mount ``route``; POST once for a fresh user; what happened, in order."""
    name = f"welcome{uuid.uuid4().hex[:10]}"
    call = _Call(user_id=(await pg.user(name)).id)

    async def recording_sender(*, user_id: uuid.UUID, subject: str, body: str) -> None:
        call.events.append(f"sender: {subject}")

    app = FastAPI()
    app.add_middleware(RecordResponseSent, events=call.events)
    app.state.sessionmaker = _RecordingSessionmaker(
        pg.app.state.sessionmaker, call, getattr(route, "__name__", "")
    )
    app.state.email_sender = recording_sender
    app.post("/welcome/{user_id}", status_code=202)(course.answered(route))
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://welcome") as client:
            call.response = await client.post(f"/welcome/{call.user_id}")
    except Exception as exc:  # raised by the route or by its background task
        call.error = f"{type(exc).__name__}: {exc}"
    gc.collect()  # a reused, closed session is cleaned up here, inside the check
    return call


def _failed(call: _Call) -> None:
    if call.error is not None and "callable" in call.error:
        raise AssertionError(
            f"the background task failed ({call.error}): add_task(service.deliver, ...) takes "
            "the function and its arguments; service.deliver(...) calls it at once"
        )
    assert call.error is None, f"the request or its background task raised {call.error}"


def welcome_email(route: Callable[..., Any], pg: course.Playground) -> list[course.Check]:
    """``route`` answers 202 at once and hands ``service.deliver`` to ``background_tasks``."""

    async def row_sent() -> None:
        call = await _call(route, pg)
        _failed(call)
        assert call.response is not None
        assert call.response.status_code == 202, f"got HTTP {call.response.status_code}"
        assert call.response.json() == {"status": "queued"}, f"got {call.response.json()}"
        rows = await pg.sql(
            "SELECT status FROM notification_email WHERE user_id = :u AND subject = :s",
            u=call.user_id.hex,
            s=SUBJECT,
        )
        assert rows, (
            f"no outbox row with subject {SUBJECT!r} for the user in the URL "
            "(pass user_id=user_id, the route's own parameter)"
        )
        assert rows == [("sent",)], f"outbox rows for that user: {rows}"

    async def after_the_response() -> None:
        call = await _call(route, pg)
        _failed(call)
        assert f"sender: {SUBJECT}" in call.events, f"the sender was never called: {call.events}"
        assert call.events == ["server: response sent", f"sender: {SUBJECT}"], (
            f"the email went out before the response: {call.events}"
        )

    async def own_session() -> None:
        call = await _call(route, pg)
        _failed(call)
        assert call.writers, (
            "no outbox row was written through the injected sessionmaker "
            "(pass sessionmaker=sessionmaker, the route's parameter)"
        )
        assert call.writers == ["a session the task opened"], (
            f"the row was written with {call.writers[0]}, handed to the task: "
            "pass sessionmaker=sessionmaker and let the task open its own session"
        )

    sent = course.Check(
        "answers 202 {'status': 'queued'}; the user's outbox row is 'sent' afterwards",
        f"background_tasks.add_task(service.deliver, ..., user_id=user_id, "
        f"subject={SUBJECT!r}, body=...)",
        row_sent,
    )
    return [
        sent,  # no email for the user, or a task that fails: nothing to time or trace below
        course.Check(
            "the email is sent after the response, not before",
            "add_task, do not await service.deliver in the route",
            after_the_response,
            needs=sent,
        ),
        course.Check(
            "the task opens its own session from the injected sessionmaker",
            "sessionmaker=sessionmaker; never the request's session",
            own_session,
            needs=sent,
        ),
    ]
