"""Notebook 17's exercise: a public profile route that never leaks a private column."""

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

    async def body() -> dict[str, object]:
        ada = await pg.user("ada")
        async with probes.client(app()) as client:
            response = await client.get(f"/people/{ada.id}")
        assert response.status_code == 200, f"got HTTP {response.status_code}"
        answer: dict[str, object] = response.json()
        return answer

    async def no_secret() -> None:
        leaked = {"password_hash", "email"} & set(await body())
        assert not leaked, f"the answer carries {sorted(leaked)}"

    async def exactly() -> None:
        keys = set(await body())
        assert keys == FIELDS, f"fields: {sorted(keys)}"

    def documented() -> None:
        schema = app().openapi()
        ok = schema["paths"][PATH]["get"]["responses"]["200"]["content"]["application/json"]
        ref = ok["schema"].get("$ref", "")
        assert ref, f"the 200 response schema is {ok['schema']}"
        model = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        assert set(model["properties"]) == FIELDS, f"documented: {sorted(model['properties'])}"

    return [
        course.Check(
            "no password_hash or email in the answer",
            "declare response_model=PublicUser (or -> PublicUser)",
            no_secret,
        ),
        course.Check(
            "the answer has exactly id, username, first_name",
            "PublicUser declares id, username and first_name only",
            exactly,
        ),
        course.Check(
            "OpenAPI documents the 200 response with those three fields",
            "a response model documents the answer; a dict built by hand does not",
            documented,
        ),
    ]
