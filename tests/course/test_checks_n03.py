import uuid

import pytest
from fastapi import HTTPException
from sqlalchemy import select

import course
from course.checks import n03
from playground.auth import models as auth_models
from playground.database import SessionDep
from playground.exceptions import NotFound


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


async def _out(pg: course.Playground, answer: object, capsys: pytest.CaptureFixture[str]) -> str:
    await course.check(n03.valid_user_id_exercise(pg, answer))  # type: ignore[arg-type]
    out = capsys.readouterr().out
    assert "Traceback" not in out, out
    return out


async def test_the_solution_passes_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(2):  # a check cell runs twice
        await course.check(n03.valid_user_id_exercise(pg, valid_user_id))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 6 and all(line.startswith("✔") for line in lines), lines


async def test_the_skeleton_fails(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    out = await _out(pg, skeleton, capsys)
    assert out.count("not answered yet: replace the `...`") == 3, out


async def test_an_http_exception_is_caught(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    out = await _out(pg, http_exception, capsys)
    assert out.count("✘") == 1, out
    assert "raise UserNotFound() (a domain error with its code), not HTTPException" in out, out


async def test_a_hard_coded_user_is_caught(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    out = await _out(pg, hard_coded, capsys)
    assert "✘ a real id: 200 with that user, one SQL statement: expected 200, got 404" in out, out


async def test_a_whole_table_read_is_caught(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    out = await _out(pg, filtered_in_python, capsys)
    assert out.count("your query has no WHERE: it read every user") == 2, out


async def test_a_missing_user_handed_on_is_caught(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    out = await _out(pg, never_raises, capsys)
    assert out.count("✘") == 1, out
    assert "expected 404 USER_NOT_FOUND, got 200: a missing user must raise" in out, out


async def test_a_str_path_parameter_is_caught(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    out = await _out(pg, typed_str, capsys)
    assert "✘ not a UUID: 422, and no SQL at all: expected 422, got" in out, out
    assert "type the path parameter as uuid.UUID" in out, out
