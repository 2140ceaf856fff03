import uuid
from typing import Any

import pytest
from fastapi import APIRouter

import course
from course.checks import n17
from course.labs.n17_serialization import UserRow, row_dict
from playground.auth import schemas as auth_schemas
from playground.models import CustomModel
from tests.course.wrong import Wrong


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

    class PublicUser(CustomModel): ...  # the fields a stranger may see: id, username, first_name

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


def hard_coded() -> APIRouter:  # the notebook's user, whoever is asked for
    router = APIRouter()

    @router.get("/people/{user_id}", response_model=PublicUser)
    async def read_person(user_id: uuid.UUID) -> Any:
        return {"id": user_id, "username": "ada", "first_name": "Ada"}

    return router


SKELETON = skeleton()
PRIVATE = "no password_hash or email in the answer"
WRONG = [
    Wrong(
        "a wider model",
        too_wide(),
        PRIVATE,
        "the answer carries ['email']: its response model, UserResponse, declares them",
    ),
    Wrong(
        "filtered by hand",
        filtered_by_hand(),
        "OpenAPI documents the 200 response with those three fields",
        "a dict filtered by hand documents no fields; declare the response model",
    ),
    Wrong(
        "a hard-coded answer",
        hard_coded(),
        "the answer has exactly id, username, first_name",
        "made for this check, it answered {'id'",
    ),
    Wrong(
        "no response model",
        skeleton(),
        PRIVATE,
        "the route has no response model, so the row goes out as it is",
    ),
]


async def check_cell(router: APIRouter) -> None:
    async with await course.start() as pg:
        await course.check(n17.public_profile(router, pg))
