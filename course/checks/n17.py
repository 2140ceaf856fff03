"""Notebook 17's exercise: a public profile route that never leaks a private column."""

import secrets
from typing import Any

from fastapi import APIRouter, FastAPI

import course
from course import probes

FIELDS = {"id", "username", "first_name"}
PATH = "/people/{user_id}"


def public_profile(router: APIRouter, pg: course.Playground) -> list[course.Check]:
    """``router`` serves ``GET /people/{user_id}`` with exactly ``FIELDS``, documented."""

    def app() -> FastAPI:
        side = probes.side_app(pg)
        side.include_router(course.answered(router))
        return side

    async def body() -> tuple[dict[str, object], dict[str, object]]:
        """The answer for a user the learner cannot foresee, and what it should say."""
        someone = await pg.user(f"u{secrets.token_hex(4)}")
        async with probes.client(app()) as client:
            response = await client.get(f"/people/{someone.id}")
        assert response.status_code == 200, f"got HTTP {response.status_code}"
        answer: dict[str, object] = response.json()
        expected: dict[str, object] = {
            "id": str(someone.id),
            "username": someone.username,
            "first_name": someone.username.capitalize(),
        }
        return answer, expected

    async def no_secret() -> None:
        answer, _ = await body()
        leaked = {"password_hash", "email"} & set(answer)
        models = [
            getattr(route, "response_model", None)
            for route in course.answered(router).routes
            if getattr(route, "path", None) == PATH
        ]
        model = next((m for m in models if m not in (None, Any)), None)
        assert not leaked, f"the answer carries {sorted(leaked)}: " + (
            "the route has no response model, so the row goes out as it is"
            if model is None
            else f"its response model, {getattr(model, '__name__', model)}, declares them"
        )

    async def exactly() -> None:
        answer, expected = await body()
        assert set(answer) == FIELDS, f"fields: {sorted(answer)}"
        assert answer == expected, (
            f"for user {expected['username']}, made for this check, it answered {answer}: answer "
            "from the user the route read, not with values you know"
        )

    def documented() -> None:
        schema = app().openapi()
        ok = schema["paths"][PATH]["get"]["responses"]["200"]["content"]["application/json"]
        ref = ok["schema"].get("$ref", "")
        assert ref, (
            f"the 200 response schema is {ok['schema']}: a dict filtered by hand documents no "
            "fields; declare the response model"
        )
        model = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        assert set(model["properties"]) == FIELDS, f"documented: {sorted(model['properties'])}"

    private = course.Check(
        "no password_hash or email in the answer",
        "declare response_model=PublicUser (or -> PublicUser)",
        no_secret,
    )
    exact = course.Check(
        "the answer has exactly id, username, first_name: the asked user's",
        "PublicUser declares id, username and first_name only",
        exactly,
        needs=private,
    )
    return [
        private,  # a model that lets a column leak gets the fields and the document wrong too
        exact,
        course.Check(
            "OpenAPI documents the 200 response with those three fields",
            "a response model documents the answer; a dict built by hand does not",
            documented,
            needs=exact,
        ),
    ]
