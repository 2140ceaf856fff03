"""Notebook 17's exercise: a route that reads a user's row and must not let the hash leave."""

from collections.abc import Callable
from typing import Any

import httpx

from playground import course
from playground.course import labs
from playground.course import serialization_lab as lab

PATH = "/users/{user_id}"


async def _call(route: Callable[..., Any], pg: course.Playground) -> tuple[httpx.Response, Any]:
    """Mount ``route`` (its own return type decides) on a side app; GET ada; the OpenAPI doc."""
    app = labs.side_app(pg)
    app.get(PATH)(course.answered(route))
    ada = await pg.user("ada")
    async with labs.client(app) as client:
        response = await client.get(PATH.format(user_id=ada.id))
    return response, app.openapi()


def _leaks(value: Any) -> bool:
    if isinstance(value, dict):
        return "password_hash" in value or any(_leaks(item) for item in value.values())
    if isinstance(value, list):
        return any(_leaks(item) for item in value)
    return isinstance(value, str) and value.startswith("$argon2")


def public_user(route: Callable[..., Any], pg: course.Playground) -> list[course.Check]:
    """``route`` answers ada's account, never her password hash, and OpenAPI says what it sends."""

    async def answers() -> None:
        response, _ = await _call(route, pg)
        assert response.status_code == 200, f"got HTTP {response.status_code}: {response.text}"
        body = response.json()
        assert isinstance(body, dict), f"got {body!r}"
        got = {key: body.get(key) for key in ("username", "email")}
        assert got == {"username": "ada", "email": "ada@example.com"}, f"got {got}"

    async def no_hash() -> None:
        response, _ = await _call(route, pg)
        assert not _leaks(response.json()), "the response carries the password hash"

    async def documented() -> None:
        _, openapi = await _call(route, pg)
        schema = lab.resolve(openapi, lab.response_schema(openapi, PATH))
        fields = sorted(schema.get("properties", {}))
        assert "username" in fields, f"the documented 200 response has the fields {fields}"
        assert "password_hash" not in fields, "OpenAPI documents password_hash"

    return [
        course.Check("answers 200 with ada's username and email", "return the user", answers),
        course.Check(
            "the password hash never leaves",
            "give the route a return type that lists only the public fields",
            no_hash,
        ),
        course.Check(
            "OpenAPI documents the response's fields (no password_hash)",
            "-> auth_schemas.UserResponse: the return type is the response model",
            documented,
        ),
    ]
