import uuid

import pytest
from fastapi import FastAPI, status

import course
from course.checks import n09
from playground.domains.posts.dependencies import ValidPost
from playground.domains.posts.exceptions import PostNotFound
from playground.domains.posts.models import Post
from playground.domains.posts.schemas import PostResponse
from playground.openapi import error_responses


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


async def test_the_solution_passes_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n09.documented_route(pg, solution, await _post_id(pg)))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5 and all(line.startswith("✔") for line in lines), lines


async def test_the_skeleton_fails(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n09.documented_route(pg, skeleton, await _post_id(pg)))
    out = capsys.readouterr().out
    assert "✘ GET /exercise/posts/{post_id}: 200 is documented with PostResponse: 200 is" in out
    assert "✔" not in out
    assert "✘ a missing post: 404 POST_NOT_FOUND, as documented: its 404 is not in" in out


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


def fixed_post(post_id: str) -> object:
    """Hard-coded: the notebook's post, whatever the URL asks for."""

    def add(app: FastAPI) -> None:
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
                fixed: Post | None = await session.get(Post, uuid.UUID(post_id))
            assert fixed is not None
            return fixed

    return add


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


async def test_a_hand_written_404_fails(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n09.documented_route(pg, hand_written_404, await _post_id(pg)))
    out = capsys.readouterr().out
    assert "404 is documented by hand, without the ErrorResponse body" in out
    assert "✘ a missing post: 404 POST_NOT_FOUND, as documented" in out


async def test_a_fixed_post_fails(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    post_id = await _post_id(pg)
    await course.check(n09.documented_route(pg, fixed_post(post_id), post_id))  # type: ignore[arg-type]
    out = capsys.readouterr().out
    assert f"got {post_id} ('t'): return `post`" in out
    assert out.count("✘") == 1


async def test_no_docstring_is_named(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n09.documented_route(pg, no_docstring, await _post_id(pg)))
    out = capsys.readouterr().out
    assert "✘ a summary, a docstring and the posts tag: no description: write a docstring" in out
    assert out.count("✘") == 1
