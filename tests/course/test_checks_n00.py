from typing import Any

import pytest

import course
from course.checks import n00
from playground.auth import dependencies as auth_dependencies
from tests.course.wrong import Wrong


def needs_token(dependant: Any) -> bool:
    """The notebook's solution."""
    return any(
        sub.call is auth_dependencies.parse_jwt_data or needs_token(sub)
        for sub in dependant.dependencies
    )


def skeleton(dependant: Any) -> bool:  # type: ignore[empty-body]
    """True if auth_dependencies.parse_jwt_data is anywhere in this dependency tree."""
    ...


def by_name(dependant: Any) -> bool:
    """The anti-pattern: a function judged by its name, not by what it is."""
    return any(
        getattr(sub.call, "__name__", "") == "parse_jwt_data" or by_name(sub)
        for sub in dependant.dependencies
    )


PROTECTED = {"read_me", "create_post", "update_post", "delete_post", "create_review"}
PROTECTED |= {"read_user_post", "create_attachment", "complete_attachment", "update_profile"}
PROTECTED |= {"queue_email", "list_emails"}


def hard_coded(dependant: Any) -> bool:
    """The routes' names, copied from what the playground answers today."""
    return getattr(dependant.call, "__name__", "") in PROTECTED


def direct_only(dependant: Any) -> bool:
    """The likeliest slip: only the route's own dependencies, not theirs."""
    return any(sub.call is auth_dependencies.parse_jwt_data for sub in dependant.dependencies)


def falls_off_the_end(dependant: Any) -> bool:
    """A slip: a loop that returns True when it finds the token, and nothing otherwise."""
    for sub in dependant.dependencies:
        if sub.call is auth_dependencies.parse_jwt_data or falls_off_the_end(sub):
            return True
    return None  # type: ignore[return-value]


SKELETON = skeleton
WRONG = [
    Wrong(
        "judged by its name",
        by_name,
        "four routes made for this check",
        "only *named* parse_jwt_data: compare functions with `is`",
    ),
    Wrong(
        "hard-coded route names",
        hard_coded,
        "four routes made for this check",
        "judge the dependency tree, not the routes' names or paths you know",
    ),
    Wrong(
        "direct dependencies only",
        direct_only,
        "GET /auth/users/me needs a token, GET /posts does not",
        "parse_jwt_data sits below valid_active_user: follow sub.dependencies",
    ),
    Wrong(
        "falls off the end",
        falls_off_the_end,
        "True or False for every route",
        "your function returned None; every way through it must return True or False",
    ),
]


async def check_cell(answer: Any) -> None:
    async with await course.start() as pg:
        await course.check(n00.token_routes(pg, answer))


async def test_the_solution_passes_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(2):  # a check cell can run twice
        await course.check(n00.token_routes(pg, needs_token))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 10 and all(line.startswith("✔") for line in lines), lines


async def test_the_skeleton_is_not_answered(capsys: pytest.CaptureFixture[str]) -> None:
    await check_cell(skeleton)
    assert capsys.readouterr().out.splitlines() == [
        "✘ True or False for every route: not answered yet: replace the `...`",
        "  hint: return a bool",
        "· GET /auth/users/me needs a token, GET /posts does not: waits for an answer",
        "· every route you marked answers 401 without a token: waits for an answer",
        "· every route you left open answers without a 401: waits for an answer",
        "· four routes made for this check, on paths you have not seen: waits for an answer",
    ]


def always(dependant: Any) -> bool:
    """Every route marked: wrong about GET /posts, and so about every open route."""
    return True


async def test_marking_every_route_is_one_cross(capsys: pytest.CaptureFixture[str]) -> None:
    await check_cell(always)
    assert capsys.readouterr().out.splitlines() == [
        "✔ True or False for every route",
        "✘ GET /auth/users/me needs a token, GET /posts does not: "
        "GET /posts is open: you said it needs a token",
        "  hint: look for auth_dependencies.parse_jwt_data in dependant.dependencies, recursively",
        "· every route you marked answers 401 without a token: waits for the check above",
        "· every route you left open answers without a 401: waits for the check above",
        "· four routes made for this check, on paths you have not seen: waits for the check above",
    ]
