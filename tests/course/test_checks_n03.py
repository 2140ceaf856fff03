import uuid

import pytest

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


async def skeleton(user_id: uuid.UUID, session: SessionDep) -> auth_models.AuthUser:
    return ...  # type: ignore[return-value]


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
    await course.check(n03.valid_user_id_exercise(pg, skeleton))
    out = capsys.readouterr().out
    assert "✘ a real id" in out and "✘ an unknown id: 404 USER_NOT_FOUND" in out, out
