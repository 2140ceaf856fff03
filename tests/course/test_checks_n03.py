import uuid

import pytest
from fastapi import HTTPException
from sqlalchemy import select

import course
from course.checks import n03
from playground.auth import models as auth_models
from playground.database import SessionDep
from playground.exceptions import NotFound
from tests.course.wrong import Wrong


class UserNotFound(NotFound):
    code = "USER_NOT_FOUND"
    detail = "User not found"


async def valid_user_id(user_id: uuid.UUID, session: SessionDep) -> auth_models.AuthUser:
    """The notebook's solution."""
    user = await session.get(auth_models.AuthUser, user_id)
    if user is None:
        raise UserNotFound()
    return user


async def skeleton(user_id: uuid.UUID, session: SessionDep) -> auth_models.AuthUser:  # type: ignore[empty-body]
    """The user named by the path; 404 ``USER_NOT_FOUND`` otherwise."""
    ...


async def http_exception(user_id: uuid.UUID, session: SessionDep) -> auth_models.AuthUser:
    """The anti-pattern: a dependency that speaks HTTP instead of raising the domain error."""
    user = await session.get(auth_models.AuthUser, user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    return user


async def hard_coded(user_id: uuid.UUID, session: SessionDep) -> auth_models.AuthUser:
    """The user the check used to make, found by name."""
    query = select(auth_models.AuthUser).where(auth_models.AuthUser.username == "n03_checker")
    user = await session.scalar(query)
    if user is None:
        raise UserNotFound()
    return user


async def filtered_in_python(user_id: uuid.UUID, session: SessionDep) -> auth_models.AuthUser:
    """Every user read, the one wanted picked in Python: one statement, the whole table."""
    users = (await session.scalars(select(auth_models.AuthUser))).all()
    for user in users:
        if user.id == user_id:
            return user
    raise UserNotFound()


async def never_raises(user_id: uuid.UUID, session: SessionDep) -> auth_models.AuthUser | None:
    """The likeliest slip: the lookup's None handed on instead of a 404."""
    return await session.get(auth_models.AuthUser, user_id)


async def typed_str(user_id: str, session: SessionDep) -> auth_models.AuthUser:
    """A slip: the path parameter typed ``str``, so "42" goes to the database."""
    user = await session.get(auth_models.AuthUser, user_id)
    if user is None:
        raise UserNotFound()
    return user


SKELETON = skeleton
WRONG = [
    Wrong(
        "HTTPException",
        http_exception,
        "an unknown id: 404 USER_NOT_FOUND",
        "raise UserNotFound() (a domain error with its code), not HTTPException",
    ),
    Wrong(
        "a hard-coded user",
        hard_coded,
        "a real id: 200 with that user",
        "got 404 for a user made for this check: look the user up by the id in the path",
    ),
    Wrong(
        "the whole table read",
        filtered_in_python,
        "each of them one SQL statement",
        "a real id: your query has no WHERE: it read every user",
    ),
    Wrong(
        "a missing user handed on",
        never_raises,
        "an unknown id: 404 USER_NOT_FOUND",
        "expected 404 USER_NOT_FOUND, got 200: a missing user must raise",
    ),
    Wrong(
        "a str path parameter",
        typed_str,
        "not a UUID: 422, and no SQL at all",
        "expected 422, got 500: type the path parameter as uuid.UUID",
    ),
]


async def check_cell(answer: object) -> None:
    async with await course.start() as pg:
        await course.check(n03.valid_user_id_exercise(pg, answer))  # type: ignore[arg-type]


async def test_the_solution_passes_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(2):  # a check cell runs twice
        await course.check(n03.valid_user_id_exercise(pg, valid_user_id))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 8 and all(line.startswith("✔") for line in lines), lines


async def test_a_str_path_parameter_is_one_request(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n03.valid_user_id_exercise(pg, typed_str))
    printed = capsys.readouterr().out.split("(printed while checking)\n")[1]
    assert printed == "  ERROR playground.handlers: unhandled error on GET /users/42\n"
