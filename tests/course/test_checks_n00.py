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


def skeleton(dependant: Any) -> bool:
    return ...  # type: ignore[return-value]


def direct_only(dependant: Any) -> bool:
    """A near miss: only the route's own dependencies, not theirs."""
    return any(sub.call is auth_dependencies.parse_jwt_data for sub in dependant.dependencies)


async def test_the_solution_passes_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n00.token_routes(pg, needs_token))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and all(line.startswith("✔") for line in lines), lines


async def test_the_skeleton_and_a_near_miss_fail(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n00.token_routes(pg, skeleton))
    assert "✘ True or False for every route: not answered yet" in capsys.readouterr().out
    await course.check(n00.token_routes(pg, direct_only))
    out = capsys.readouterr().out
    assert "✘ every route you left open answers without a 401" in out, out


async def test_the_checks_can_run_twice(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(2):
        await course.check(n00.token_routes(pg, needs_token))
    assert "✘" not in capsys.readouterr().out
