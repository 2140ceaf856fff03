import uuid
from typing import Any

import pytest
from fastapi import APIRouter

import course
from course.checks import n17
from course.labs.n17_serialization import UserRow, row_dict
from playground.auth import schemas as auth_schemas
from playground.models import CustomModel


class PublicUser(CustomModel):
    id: uuid.UUID
    username: str
    first_name: str


def solution() -> APIRouter:
    router = APIRouter()

    @router.get("/people/{user_id}", response_model=PublicUser)  # noqa: FAST003 - UserRow reads it
    async def read_person(user: UserRow) -> Any:
        return row_dict(user)

    return router


def skeleton() -> APIRouter:
    router = APIRouter()

    @router.get("/people/{user_id}")  # noqa: FAST003 - UserRow reads it
    async def read_person(user: UserRow) -> Any:
        return row_dict(user)

    return router


def too_wide() -> APIRouter:
    router = APIRouter()

    @router.get("/people/{user_id}", response_model=auth_schemas.UserResponse)  # noqa: FAST003 - UserRow reads it
    async def read_person(user: UserRow) -> Any:
        return row_dict(user)

    return router


def filtered_by_hand() -> APIRouter:
    router = APIRouter()

    @router.get("/people/{user_id}")  # noqa: FAST003 - UserRow reads it
    async def read_person(user: UserRow) -> Any:
        return {key: str(getattr(user, key)) for key in n17.FIELDS}

    return router


async def test_the_solution_passes_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n17.public_profile(solution(), pg))
    assert capsys.readouterr().out.splitlines() == [
        "✔ no password_hash or email in the answer",
        "✔ the answer has exactly id, username, first_name: the asked user's",
        "✔ OpenAPI documents the 200 response with those three fields",
    ]


async def test_the_skeleton_fails(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n17.public_profile(skeleton(), pg))
    out = capsys.readouterr().out
    assert "✘ no password_hash or email in the answer: the answer carries" in out
    assert out.count("✘") == 3


async def test_a_wider_model_fails_on_the_fields(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n17.public_profile(too_wide(), pg))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("✘ no password_hash or email in the answer: the answer carries")
    assert "['email']" in lines[0]


async def test_filtering_by_hand_is_not_documented(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n17.public_profile(filtered_by_hand(), pg))
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == [
        "✔ no password_hash or email in the answer",
        "✔ the answer has exactly id, username, first_name: the asked user's",
    ]
    assert lines[2].startswith("✘ OpenAPI documents the 200 response")


def hard_coded() -> APIRouter:  # the notebook's user, whoever is asked for
    router = APIRouter()

    @router.get("/people/{user_id}", response_model=PublicUser)
    async def read_person(user_id: uuid.UUID) -> Any:
        return {"id": user_id, "username": "ada", "first_name": "Ada"}

    return router


async def test_a_hard_coded_answer_is_caught(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n17.public_profile(hard_coded(), pg))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "✔ no password_hash or email in the answer"
    assert lines[1].startswith("✘ the answer has exactly id, username, first_name")
    assert "it answered {" in lines[1] and "'username': 'ada'" in lines[1]
