from typing import Any

import pytest
from fastapi import HTTPException

import course
from course.checks import n04
from playground.auth import dependencies as auth_dependencies
from playground.domains.posts import dependencies as posts_dependencies
from playground.domains.posts.models import Post
from playground.exceptions import PermissionDenied
from tests.course.wrong import Wrong


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


SKELETON = skeleton
WRONG = [
    Wrong(
        "a rule on the bare token",
        token_only,
        "an inactive user: 403 USER_INACTIVE",
        "an inactive user liked a post (HTTP 200): a link on the bare token (TokenData)",
    ),
    Wrong(
        "a hard-coded author",
        hard_coded,
        "each post's author is refused: 403 OWN_POST",
        "its author, a user made for this check, liked it (HTTP 200)",
    ),
    Wrong(
        "HTTPException",
        http_exception,
        "each post's author is refused: 403 OWN_POST",
        "raise OwnPost() (a domain error with its code), not HTTPException",
    ),
    Wrong(
        "the post never returned",
        no_return,
        "another user likes a post",
        "your dependency returned None: end it with `return post`",
    ),
]


async def check_cell(answer: Any) -> None:
    async with await course.start() as pg:
        await course.check(n04.like_rule(pg, answer))


async def test_the_solution_passes_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(2):  # a check cell can run twice
        await course.check(n04.like_rule(pg, solution))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 10 and all(line.startswith("✔") for line in lines), lines
