"""Notebook 03's exercise: a dependency that validates a path id against the database."""

import uuid
from collections.abc import Callable
from typing import Annotated, Any

import httpx
from fastapi import Depends

import course
from course import apps

CHECKER = "n03_checker"


async def _get(
    pg: course.Playground, dependency: Callable[..., Any], value: str
) -> tuple[httpx.Response, int]:
    """``GET /users/{value}`` on a side app whose route takes the learner's dependency."""
    app = apps.side_app(pg)

    @app.get("/users/{user_id}")
    async def read_user(user: Annotated[Any, Depends(dependency)]) -> dict[str, Any]:
        return {"username": getattr(user, "username", None)}

    async with apps.client(app) as client:
        with pg.count_sql() as sql:
            response = await client.get(f"/users/{value}")
    return response, sql.count


def valid_user_id_exercise(
    pg: course.Playground, valid_user_id: Callable[..., Any] | None
) -> list[course.Check]:
    """The learner's ``valid_user_id`` behind ``GET /users/{user_id}``: 200, 404, 422."""

    async def real_id() -> None:
        user = await pg.user(CHECKER)
        response, statements = await _get(pg, course.answered(valid_user_id), str(user.id))
        assert response.status_code == 200, f"expected 200, got {response.status_code}"
        found = response.json()["username"]
        assert found == CHECKER, f"expected the user {CHECKER!r}, got {found!r}"
        assert statements == 1, f"expected one SQL statement, got {statements}"

    async def unknown_id() -> None:
        response, statements = await _get(pg, course.answered(valid_user_id), str(uuid.uuid4()))
        assert response.status_code == 404, f"expected 404, got {response.status_code}"
        body = response.json()
        assert body.get("code") == "USER_NOT_FOUND", f"expected USER_NOT_FOUND, got {body}"
        assert statements == 1, f"expected one SQL statement, got {statements}"

    async def not_a_uuid() -> None:
        response, statements = await _get(pg, course.answered(valid_user_id), "42")
        assert response.status_code == 422, f"expected 422, got {response.status_code}"
        assert statements == 0, f"expected no SQL before the type check, got {statements}"

    return [
        course.Check(
            "a real id: 200 with that user, one SQL statement",
            "await session.get(auth_models.AuthUser, user_id) and return it",
            real_id,
        ),
        course.Check(
            "an unknown id: 404 USER_NOT_FOUND, one SQL statement",
            "if the user is None, raise UserNotFound() (a domain error, not HTTPException)",
            unknown_id,
        ),
        course.Check(
            "not a UUID: 422, and no SQL at all",
            "type the path parameter as uuid.UUID",
            not_a_uuid,
        ),
    ]
