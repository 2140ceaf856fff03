from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi import FastAPI

import course
from course.checks import n20
from playground.auth import dependencies as auth_dependencies
from playground.auth.schemas import JWTData
from playground.domains.notifications import dependencies as notifications_dependencies
from tests.course.wrong import Wrong

PARSE = auth_dependencies.parse_jwt_data


def _as(user: course.User) -> Any:
    def known_user() -> JWTData:
        return JWTData(user_id=user.id, username=user.username, is_active=True)

    return known_user


@contextmanager
def solution(app: FastAPI, user: course.User) -> Iterator[None]:
    overrides = app.dependency_overrides
    previous = overrides.get(PARSE)
    overrides[PARSE] = _as(user)
    try:
        yield
    finally:
        if previous is None:
            overrides.pop(PARSE, None)
        else:
            overrides[PARSE] = previous


@contextmanager
def skeleton(app: FastAPI, user: course.User) -> Iterator[None]:
    yield


@contextmanager
def never_removed(app: FastAPI, user: course.User) -> Iterator[None]:
    app.dependency_overrides[PARSE] = _as(user)
    yield


@contextmanager
def cleared(app: FastAPI, user: course.User) -> Iterator[None]:
    app.dependency_overrides[PARSE] = _as(user)
    try:
        yield
    finally:
        app.dependency_overrides.clear()


@contextmanager
def popped_without_finally(app: FastAPI, user: course.User) -> Iterator[None]:
    app.dependency_overrides[PARSE] = _as(user)
    yield
    app.dependency_overrides.pop(PARSE)


@contextmanager
def popped(app: FastAPI, user: course.User) -> Iterator[None]:
    app.dependency_overrides[PARSE] = _as(user)
    try:
        yield
    finally:
        app.dependency_overrides.pop(PARSE)


@contextmanager
def active_user_only(app: FastAPI, user: course.User) -> Iterator[None]:
    dependency = auth_dependencies.valid_active_user
    app.dependency_overrides[dependency] = _as(user)
    try:
        yield
    finally:
        app.dependency_overrides.pop(dependency)


def _marks(out: str) -> list[str]:
    return [line[0] for line in out.splitlines() if line[:1] in {"✔", "✘"}]


async def test_the_solution_passes_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n20.signed_in(solution, pg))
    assert capsys.readouterr().out.splitlines() == [
        "✔ inside the block, a route on the bare token (TokenData) answers 200 for the user",
        "✔ inside the block, a route behind ActiveUser answers 200 too (GET /users/{id}/emails)",
        "✔ after the block: 401 without a token again, and other overrides are left alone",
        "✔ an exception inside the block still removes the override",
        "✔ nested: signed_in_as(bob) inside signed_in_as(ada) gives ada back after",
    ]
    assert pg.app.dependency_overrides == {}


async def test_the_checks_leave_earlier_overrides_in_place(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    def stays() -> None:  # no queue, as by default: the playground works the same
        return None

    with pg.override(notifications_dependencies.get_email_queue, stays):
        await course.check(n20.signed_in(never_removed, pg))
        assert pg.app.dependency_overrides == {notifications_dependencies.get_email_queue: stays}
    capsys.readouterr()


def undecorated(app: FastAPI, user: course.User) -> Iterator[None]:  # @contextmanager forgotten
    app.dependency_overrides[PARSE] = _as(user)
    try:
        yield
    finally:
        app.dependency_overrides.pop(PARSE)


def no_yield(app: FastAPI, user: course.User) -> None:  # sets the override, returns None
    app.dependency_overrides[PARSE] = _as(user)


async def test_a_forgotten_contextmanager_is_one_cross(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n20.signed_in(undecorated, pg))  # type: ignore[arg-type]
    assert capsys.readouterr().out.splitlines() == [
        "✘ signed_in_as(app, user) makes a context manager: "
        "signed_in_as(app, user) gave a generator, not a context manager",
        "  hint: a generator function with one yield, decorated with @contextmanager",
    ]
    assert pg.app.dependency_overrides == {}


SKELETON = skeleton
AFTER = "after the block: 401 without a token again, and other overrides are left alone"
WRONG = [
    Wrong(
        "never removed",
        never_removed,
        AFTER,
        "after the block, without a token: HTTP 200 as bob",
    ),
    Wrong(
        "every override cleared",
        cleared,
        AFTER,
        "app.dependency_overrides after the block: [], before it: ['get_email_sender']",
    ),
    Wrong(
        "popped without finally",
        popped_without_finally,
        "an exception inside the block still removes the override",
        "after an exception in the block: HTTP 200 as bob, overrides ['parse_jwt_data']",
    ),
    Wrong(
        "popped, not restored",
        popped,
        "nested: signed_in_as(bob) inside signed_in_as(ada) gives ada back after",
        "back in the outer block (ada): HTTP 401",
    ),
    Wrong(
        "valid_active_user overridden",
        active_user_only,
        "inside the block, a route on the bare token (TokenData) answers 200 for the user",
        "you overrode ['valid_active_user'], but the route still reads the token through "
        "parse_jwt_data",
    ),
    Wrong(
        "no context manager",
        no_yield,
        "inside the block, a route on the bare token (TokenData) answers 200 for the user",
        "signed_in_as(app, user) gave None, not a context manager",
    ),
    Wrong(
        "@contextmanager forgotten",
        undecorated,
        "signed_in_as(app, user) makes a context manager",
        "signed_in_as(app, user) gave a generator, not a context manager",
    ),
]


async def check_cell(answer: n20.SignedInAs) -> None:
    async with await course.start() as pg:
        await course.check(n20.signed_in(answer, pg))
        assert pg.app.dependency_overrides == {}  # the checks put back what a wrong answer left


async def test_the_skeleton_says_nothing_was_overridden(
    capsys: pytest.CaptureFixture[str],
) -> None:
    await check_cell(skeleton)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "✘ inside the block, a route on the bare token (TokenData) answers 200 for the user: "
        "GET /whoami (a route on TokenData alone), no token, inside the block: HTTP 401; "
        "nothing was overridden inside the block"
    )
    assert [line[0] for line in lines[2:]] == ["·"] * 4
