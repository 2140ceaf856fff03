import pytest

import course
from course.checks import n04
from playground.auth import dependencies as auth_dependencies
from playground.domains.posts import dependencies as posts_dependencies
from playground.domains.posts.models import Post
from playground.exceptions import PermissionDenied


class OwnPost(PermissionDenied):
    code = "OWN_POST"
    detail = "You cannot like your own post"


async def solution(post: posts_dependencies.ValidPost, user: auth_dependencies.ActiveUser) -> Post:
    if post.author_id == user.user_id:
        raise OwnPost()
    return post


async def skeleton(
    post: posts_dependencies.ValidPost, user: auth_dependencies.TokenData
) -> None: ...


async def token_only(post: posts_dependencies.ValidPost, user: auth_dependencies.TokenData) -> Post:
    if post.author_id == user.user_id:
        raise OwnPost()
    return post


async def test_the_solution_passes_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n04.like_rule(pg, solution))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5
    assert all(line.startswith("✔") for line in lines), lines


async def test_the_skeleton_fails_and_says_not_answered(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n04.like_rule(pg, skeleton))
    out = capsys.readouterr().out
    assert "✘ another user likes the post: 200, the post's id: not answered yet" in out
    assert "✘ an inactive user: 403 USER_INACTIVE" in out


async def test_a_rule_on_the_bare_token_lets_an_inactive_user_through(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n04.like_rule(pg, token_only))
    failed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("✘")]
    assert failed == ["✘ an inactive user: 403 USER_INACTIVE: expected 403 USER_INACTIVE, got 200"]


@pytest.mark.xfail(
    strict=True,
    reason=(
        "issue 22: a deactivated user can no longer log in, and the check's second run logs "
        "its deactivated user in again through pg.user (course/ must make it once)"
    ),
)
async def test_the_checks_can_run_twice(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n04.like_rule(pg, solution))
    await course.check(n04.like_rule(pg, solution))
    assert capsys.readouterr().out.count("✔") == 10
