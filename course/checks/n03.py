"""Notebook 03's exercise: a dependency that validates a path id against the database."""

import uuid
from collections.abc import Callable
from typing import Annotated, Any

import httpx
from fastapi import Depends

import course
from course import apps
from course.exercises import Check

CHECKER = "n03_checker"


async def _get(
    pg: course.Playground, dependency: Callable[..., Any], value: str
) -> tuple[httpx.Response, list[str]]:
    """``GET /users/{value}`` on a side app whose route takes the learner's dependency."""
    app = apps.side_app(pg)

    @app.get("/users/{user_id}")
    async def read_user(user: Annotated[Any, Depends(dependency)]) -> dict[str, Any]:
        return {"username": getattr(user, "username", None)}

    async with apps.client(app, raise_errors=False) as client:
        with pg.count_sql() as sql:
            response = await client.get(f"/users/{value}")
    return response, sql.statements


def _domain_error(response: httpx.Response, status: int, code: str) -> None:
    body = response.json()
    got = f"{response.status_code} {body.get('code', '')}".rstrip()
    if response.status_code == 200:
        raise AssertionError(f"expected {status} {code}, got 200: a missing user must raise")
    assert response.status_code != status or body.get("code") == code, (
        f"expected {status} {code}, got {got}: raise UserNotFound() (a domain error with its "
        "code), not HTTPException"
    )
    assert got == f"{status} {code}", f"expected {status} {code}, got {got}"


def valid_user_id_exercise(
    pg: course.Playground, valid_user_id: Callable[..., Any] | None
) -> list[Check]:
    """The learner's ``valid_user_id`` behind ``GET /users/{user_id}``: 422, 200, 404, and one
    statement each. A path parameter typed ``str`` breaks the lookups too: they wait for it."""

    statements: dict[str, list[str]] = {}  # what each id's request sent, for the SQL check

    async def real_id() -> None:
        answer = course.answered(valid_user_id)
        name = f"{CHECKER}_{uuid.uuid4().hex[:8]}"  # a user made for this check
        user = await pg.user(name)
        await pg.user(f"{name}_other")  # and another one, so "the first user" is not it
        response, statements["a real id"] = await _get(pg, answer, str(user.id))
        assert response.status_code != 404, (
            "expected 200, got 404 for a user made for this check: look the user up by the id "
            "in the path, not by one you know"
        )
        assert response.status_code == 200, f"expected 200, got {response.status_code}"
        found = response.json()["username"]
        assert found is not None, "the route got None or no user: return the user you found"
        assert found == name, f"expected the user {name!r}, got {found!r}"

    async def unknown_id() -> None:
        response, statements["an unknown id"] = await _get(
            pg, course.answered(valid_user_id), str(uuid.uuid4())
        )
        _domain_error(response, 404, "USER_NOT_FOUND")

    def one_lookup() -> None:
        for which, sent in statements.items():
            assert len(sent) == 1, f"{which}: expected one SQL statement, got {len(sent)}"
            assert " WHERE " in sent[0], (
                f"{which}: your query has no WHERE: it read every user; ask the database for "
                "this id"
            )

    async def not_a_uuid() -> None:
        response, sent = await _get(pg, course.answered(valid_user_id), "42")
        assert response.status_code == 422, (
            f"expected 422, got {response.status_code}: type the path parameter as uuid.UUID"
        )
        assert not sent, f"expected no SQL before the type check, got {len(sent)}"

    typed = Check(
        "not a UUID: 422, and no SQL at all", "type the path parameter as uuid.UUID", not_a_uuid
    )
    real = Check(
        "a real id: 200 with that user",
        "await session.get(auth_models.AuthUser, user_id) and return it",
        real_id,
        needs=typed,
    )
    unknown = Check(
        "an unknown id: 404 USER_NOT_FOUND",
        "if the user is None, raise UserNotFound() (a domain error, not HTTPException)",
        unknown_id,
        needs=typed,
    )
    return [
        typed,
        real,
        unknown,
        Check(
            "each of them one SQL statement, which asks for that id",
            "session.get(...) or select(...).where(AuthUser.id == user_id)",
            one_lookup,
            needs=(real, unknown),
        ),
    ]
