"""Notebook 04's exercise: "you cannot like your own post" as one more link in the chain."""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import httpx
from fastapi import Depends

from course import probes
from course.exercises import Check, answered
from course.sandbox import Playground, User

Dependency = Callable[..., Awaitable[Any]]


class _Stage:
    """The users and the post the checks share, made once, on the first check that needs them."""

    def __init__(self, pg: Playground, dependency: Dependency) -> None:
        self.pg = pg
        self.dependency = dependency
        self.ready = False

    async def setup(self) -> None:
        if self.ready:
            return
        self.author: User = await self.pg.user("n04_author")
        self.liker: User = await self.pg.user("n04_liker")
        self.idle: User = await self.pg.user("n04_idle")
        await self.pg.sql(
            "UPDATE auth_user SET is_active = false WHERE username = :name", name="n04_idle"
        )
        created = await self.pg.client.post(
            "/posts", json={"title": "Likes", "body": "A post"}, headers=self.author.headers
        )
        created.raise_for_status()
        self.post_id: str = created.json()["id"]
        app = probes.side_app(self.pg)

        @app.post("/posts/{post_id}/like")
        async def like(post: Annotated[Any, Depends(self.dependency)]) -> dict[str, str | None]:
            return {"liked": str(post.id) if post is not None else None}

        self.app = app
        self.ready = True

    async def like(self, who: str | None, post_id: str | None = None) -> httpx.Response:
        """``who`` (``"author"``, ``"liker"``, ``"idle"`` or ``None``) likes the stage's post."""
        await self.setup()
        user: User | None = getattr(self, who) if who else None
        async with probes.client(self.app) as client:
            headers = user.headers if user else None
            return await client.post(f"/posts/{post_id or self.post_id}/like", headers=headers)


def _expect(response: httpx.Response, status: int, code: str) -> None:
    body = response.json()
    if response.status_code == 200:
        answered(body.get("liked"))
    got = f"{response.status_code} {body.get('code', '')}".rstrip()
    assert got == f"{status} {code}", f"expected {status} {code}, got {got}"


def like_rule(pg: Playground, valid_others_post: Dependency) -> list[Check]:
    """Checks for ``valid_others_post`` behind ``POST /posts/{post_id}/like`` on a side app."""
    stage = _Stage(pg, valid_others_post)

    async def someone_else_likes() -> None:
        response = await stage.like("liker")
        assert response.status_code == 200, f"expected 200, got {response.status_code}"
        liked = answered(response.json()["liked"])
        assert liked == stage.post_id, f"expected the path's post, got {liked}"

    async def author_refused() -> None:
        _expect(await stage.like("author"), 403, "OWN_POST")

    async def unknown_post() -> None:
        _expect(
            await stage.like("liker", "00000000-0000-4000-8000-000000000000"),
            404,
            "POST_NOT_FOUND",
        )

    async def no_token() -> None:
        _expect(await stage.like(None), 401, "INVALID_TOKEN")

    async def inactive_user() -> None:
        _expect(await stage.like("idle"), 403, "USER_INACTIVE")

    return [
        Check(
            "another user likes the post: 200, the post's id", "return the post", someone_else_likes
        ),
        Check(
            "the author is refused: 403 OWN_POST",
            "compare post.author_id with the caller's user_id and raise OwnPost()",
            author_refused,
        ),
        Check(
            "an unknown post: 404 POST_NOT_FOUND",
            "take the post through posts_dependencies.ValidPost",
            unknown_post,
        ),
        Check(
            "no token: 401 INVALID_TOKEN",
            "take the caller through auth_dependencies.ActiveUser",
            no_token,
        ),
        Check(
            "an inactive user: 403 USER_INACTIVE",
            "chain on auth_dependencies.ActiveUser, not TokenData: it refuses inactive users",
            inactive_user,
        ),
    ]
