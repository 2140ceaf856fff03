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
    assert len(lines) == 6 and all(line.startswith("✔") for line in lines), lines


async def test_the_skeleton_fails(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n09.documented_route(pg, skeleton, await _post_id(pg)))
    out = capsys.readouterr().out
    assert "✔ GET /exercise/posts/{post_id} is in the document" in out
    assert "✘ 200 is documented with PostResponse: 200 is documented as any JSON" in out
    assert "✘ a missing post: 404 POST_NOT_FOUND, as documented: its 404 is not in" in out
