from typing import Any

import pytest

import course
from course.checks import n00
from playground.auth import dependencies as auth_dependencies


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


async def _failed(pg: course.Playground, answer: Any, capsys: pytest.CaptureFixture[str]) -> str:
    await course.check(n00.token_routes(pg, answer))
    out = capsys.readouterr().out
    assert "✘" in out and "Traceback" not in out and "(printed while checking)" not in out, out
    return out


async def test_the_solution_passes_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(2):  # a check cell can run twice
        await course.check(n00.token_routes(pg, needs_token))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 10 and all(line.startswith("✔") for line in lines), lines


async def test_the_skeleton_fails_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    out = await _failed(pg, skeleton, capsys)
    assert out.count("not answered yet: replace the `...`") == 5, out


async def test_a_function_judged_by_its_name_is_caught(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    out = await _failed(pg, by_name, capsys)
    assert "only *named* parse_jwt_data: compare functions with `is`" in out, out


async def test_a_hard_coded_list_of_routes_is_caught(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    out = await _failed(pg, hard_coded, capsys)
    assert out.count("✘") == 1, out  # right about every route it was copied from
    assert "✘ three routes made for this check" in out, out
    assert "parse_jwt_data is its third dependency" in out, out


async def test_only_the_direct_dependencies_is_caught(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    out = await _failed(pg, direct_only, capsys)
    assert "✘ every route you left open answers without a 401: left open, but" in out, out
    assert "follow sub.dependencies" in out, out


async def test_a_function_that_returns_none_is_told_so(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    out = await _failed(pg, falls_off_the_end, capsys)
    assert out.count("✘") == 1, out  # one mistake, one ✘
    assert "your function returned None" in out and "not answered" not in out, out
