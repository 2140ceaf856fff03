"""Small assertions and shortcuts shared by the API tests."""

from collections.abc import Sequence
from typing import Any

import httpx
from sqlalchemy import Executable, func, select, update

import course
from playground.auth.models import AuthUser
from playground.database import Base


def assert_error(
    response: httpx.Response, status_code: int, code: str, *, bearer: bool = False
) -> dict[str, Any]:
    """The response is the app's error shape with this status and code; returns the body."""
    assert response.status_code == status_code, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"detail", "code"}, body
    assert body["code"] == code, body
    assert isinstance(body["detail"], str) and body["detail"], body
    if bearer:
        assert response.headers.get("www-authenticate") == "Bearer"
    return body


def assert_validation_error(
    response: httpx.Response, *errors: tuple[Sequence[str | int], str]
) -> list[dict[str, Any]]:
    """A 422 in the app's shape whose detail holds each ``(loc, type)``; returns the detail."""
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "VALIDATION_ERROR", body
    detail: list[dict[str, Any]] = body["detail"]
    found = {(tuple(error["loc"]), error["type"]) for error in detail}
    for loc, kind in errors:
        assert (tuple(loc), kind) in found, detail
    return detail


async def create_post(
    pg: course.Playground, user: course.User, *, title: str = "Hello", body: str = "World"
) -> dict[str, Any]:
    """``POST /posts`` as ``user``; returns the created post."""
    response = await pg.client.post(
        "/posts", json={"title": title, "body": body}, headers=user.headers
    )
    assert response.status_code == 201, response.text
    post: dict[str, Any] = response.json()
    return post


async def run(pg: course.Playground, statement: Executable) -> list[tuple[Any, ...]]:
    """Run a SQLAlchemy statement on the playground's database; returns the rows.

    Statements built from the models bind UUIDs and booleans right on every dialect (SQLite
    stores a UUID as 32 hex digits, PostgreSQL as ``uuid``), so the tests run on both.
    """
    async with pg.engine.begin() as connection:
        result = await connection.execute(statement)
        return [tuple(row) for row in result] if result.returns_rows else []


async def count(pg: course.Playground, model: type[Base]) -> int:
    """How many rows the model's table holds."""
    [(rows,)] = await run(pg, select(func.count()).select_from(model))
    return int(rows)


async def deactivate(pg: course.Playground, user: course.User) -> None:
    """Set the user's ``is_active`` to false in the database."""
    await run(pg, update(AuthUser).where(AuthUser.id == user.id).values(is_active=False))


def lenient_client(pg: course.Playground) -> httpx.AsyncClient:
    """A client that returns a 500 response instead of re-raising the app's exception."""
    transport = httpx.ASGITransport(app=pg.app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url=course.BASE_URL)
