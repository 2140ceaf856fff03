import uuid
from typing import Any

import pytest

from playground import course
from playground.auth import schemas as auth_schemas
from playground.auth import service as auth_service
from playground.course import serialization_lab as lab
from playground.course.checks import n17
from playground.database import SessionDep


async def solution(user_id: uuid.UUID, session: SessionDep) -> auth_schemas.UserResponse:
    user = await auth_service.get_by_id(session=session, user_id=user_id)
    return auth_schemas.UserResponse.model_validate(user)


async def skeleton(user_id: uuid.UUID, session: SessionDep):  # type: ignore[no-untyped-def]
    user = await auth_service.get_by_id(session=session, user_id=user_id)
    return lab.row_dict(user)


async def dict_typed(user_id: uuid.UUID, session: SessionDep) -> dict[str, Any]:
    user = await auth_service.get_by_id(session=session, user_id=user_id)
    return lab.row_dict(user)


async def test_the_solution_passes_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n17.public_user(solution, pg))
    assert capsys.readouterr().out.splitlines() == [
        "✔ answers 200 with ada's username and email",
        "✔ the password hash never leaves",
        "✔ OpenAPI documents the response's fields (no password_hash)",
    ]


async def test_the_skeleton_leaks(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n17.public_user(skeleton, pg))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "✔ answers 200 with ada's username and email"
    assert lines[1] == "✘ the password hash never leaves: the response carries the password hash"
    assert lines[3].startswith("✘ OpenAPI documents the response's fields (no password_hash)")


async def test_a_dict_return_type_still_leaks(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n17.public_user(dict_typed, pg))
    out = capsys.readouterr().out
    assert "✘ the password hash never leaves" in out
    assert out.count("✘") == 2


async def test_an_unanswered_workspace_fails(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n17.public_user(..., pg))  # type: ignore[arg-type]
    assert capsys.readouterr().out.count("not answered yet") == 3
