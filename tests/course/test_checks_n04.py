from typing import Any

import pytest
from fastapi import HTTPException

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


async def skeleton(  # type: ignore[empty-body]
    post: posts_dependencies.ValidPost,
    user: auth_dependencies.TokenData,  # the right link? see the inactive-user check
) -> Post:
    # your code: refuse the post's author with OwnPost(); return the post to anyone else
    ...


async def token_only(post: posts_dependencies.ValidPost, user: auth_dependencies.TokenData) -> Post:
    """The anti-pattern: a link on the bare token, below the chain's active-user check."""
    if post.author_id == user.user_id:
        raise OwnPost()
    return post


async def hard_coded(
    post: posts_dependencies.ValidPost, user: auth_dependencies.ActiveUser
) -> Post:
    """The author the check used to make, refused by name."""
    if user.username == "n04_author":
        raise OwnPost()
    return post


async def http_exception(
    post: posts_dependencies.ValidPost, user: auth_dependencies.ActiveUser
) -> Post:
    """The route's way, not the chain's: an HTTPException without the domain's code."""
    if post.author_id == user.user_id:
        raise HTTPException(status_code=403, detail="You cannot like your own post")
    return post


async def no_return(post: posts_dependencies.ValidPost, user: auth_dependencies.ActiveUser) -> Any:
    """The likeliest slip: the rule is right, the post is never returned."""
    if post.author_id == user.user_id:
        raise OwnPost()


async def _out(pg: course.Playground, answer: Any, capsys: pytest.CaptureFixture[str]) -> str:
    await course.check(n04.like_rule(pg, answer))
    out = capsys.readouterr().out
    assert "Traceback" not in out, out
    return out


def _failed(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("✘")]


async def test_the_solution_passes_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(2):  # a check cell can run twice
        await course.check(n04.like_rule(pg, solution))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 10 and all(line.startswith("✔") for line in lines), lines


async def test_the_skeleton_fails_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    out = await _out(pg, skeleton, capsys)
    assert out.count("not answered yet: replace the `...`") == 5, out


async def test_a_rule_on_the_bare_token_lets_an_inactive_user_through(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    failed = _failed(await _out(pg, token_only, capsys))
    assert failed == ["✘ an inactive user: 403 USER_INACTIVE: expected 403 USER_INACTIVE, got 200"]


async def test_a_hard_coded_author_is_caught(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    failed = _failed(await _out(pg, hard_coded, capsys))
    assert failed == [
        "✘ each post's author is refused: 403 OWN_POST: expected 403 OWN_POST, got 200"
    ]


async def test_an_http_exception_is_caught(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    failed = _failed(await _out(pg, http_exception, capsys))
    assert len(failed) == 1, failed
    assert "raise OwnPost() (a domain error with its code), not HTTPException" in failed[0]


async def test_a_post_never_returned_is_told_so(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    failed = _failed(await _out(pg, no_return, capsys))
    assert failed == [
        "✘ another user likes a post: 200, the post's id (two posts, two authors): "
        "your dependency returned None: end it with `return post`"
    ]
