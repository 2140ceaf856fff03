import pytest
from fastapi import FastAPI, status
from sqlalchemy import select

import course
from course.checks import n09
from playground.domains.posts.dependencies import ValidPost
from playground.domains.posts.exceptions import PostNotFound
from playground.domains.posts.models import Post
from playground.domains.posts.schemas import PostResponse
from playground.openapi import error_responses
from tests.course.wrong import Wrong


def skeleton(app: FastAPI) -> None:
    @app.get("/exercise/posts/{post_id}")  # noqa: FAST003 - ValidPost reads it
    async def exercise_read_post(post: ValidPost) -> None: ...


def solution(app: FastAPI) -> None:
    @app.get(
        "/exercise/posts/{post_id}",  # noqa: FAST003 - ValidPost reads it
        status_code=status.HTTP_200_OK,
        response_model=PostResponse,
        summary="Read a post (exercise)",
        tags=["posts"],
        responses=error_responses(PostNotFound),
    )
    async def exercise_read_post(post: ValidPost) -> Post:
        """A post by id."""
        return post


async def _post_id(pg: course.Playground) -> str:
    ada = await pg.user("ada")
    created = await pg.client.post("/posts", json={"title": "t", "body": "b"}, headers=ada.headers)
    return str(created.json()["id"])


def hand_written_404(app: FastAPI) -> None:
    """The anti-pattern: a 404 described by hand, not from the exception the route raises."""

    @app.get(
        "/exercise/posts/{post_id}",  # noqa: FAST003 - ValidPost reads it
        response_model=PostResponse,
        summary="Read a post (exercise)",
        tags=["posts"],
        responses={404: {"description": "Post not found"}},
    )
    async def exercise_read_post(post: ValidPost) -> Post:
        """A post by id."""
        return post


def fixed_post(app: FastAPI) -> None:
    """Hard-coded: the notebook's post (the first one written), whatever the URL asks for."""

    @app.get(
        "/exercise/posts/{post_id}",  # noqa: FAST003 - ValidPost reads it
        response_model=PostResponse,
        summary="Read a post (exercise)",
        tags=["posts"],
        responses=error_responses(PostNotFound),
    )
    async def exercise_read_post(post: ValidPost) -> Post:
        """A post by id."""
        async with app.state.sessionmaker() as session:
            first: Post | None = await session.scalar(
                select(Post).order_by(Post.created_at).limit(1)
            )
        assert first is not None
        return first


def no_docstring(app: FastAPI) -> None:
    """The likeliest slip: a summary, but no docstring, so no description."""

    @app.get(
        "/exercise/posts/{post_id}",  # noqa: FAST003 - ValidPost reads it
        response_model=PostResponse,
        summary="Read a post (exercise)",
        tags=["posts"],
        responses=error_responses(PostNotFound),
    )
    async def exercise_read_post(post: ValidPost) -> Post:
        return post


SKELETON = skeleton
WRONG = [
    Wrong(
        "a 404 written by hand",
        hand_written_404,
        "404 is documented with ErrorResponse and POST_NOT_FOUND",
        "404 is documented by hand, without the ErrorResponse body the app really sends",
    ),
    Wrong(
        "a fixed post",
        fixed_post,
        "a real post: 200 with PostResponse's fields",
        "('t'): return `post`",
    ),
    Wrong(
        "no docstring",
        no_docstring,
        "a summary, a docstring and the posts tag",
        "no description: write a docstring",
    ),
]


async def check_cell(answer: n09.AddRoute) -> None:
    async with await course.start() as pg:
        await course.check(n09.documented_route(pg, answer, await _post_id(pg)))


async def test_the_solution_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    await check_cell(solution)
    lines = capsys.readouterr().out.splitlines()
    # What other code logged meanwhile (a test before this one, in the same worker) is printed
    # after the verdicts, under "(printed while checking)": the verdicts are what is judged here.
    verdicts = (
        lines[: lines.index("(printed while checking)")]
        if "(printed while checking)" in lines
        else lines
    )
    assert len(verdicts) == 5 and all(line.startswith("✔") for line in verdicts), lines
