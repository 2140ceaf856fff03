"""Notebook 04's exercise: "you cannot like your own post" as one more link in the chain."""

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import httpx
from fastapi import Depends

from course import probes
from course.exercises import Check, answered
from course.sandbox import Playground, User

Dependency = Callable[..., Awaitable[Any]]


class _Stage:
    """Users and posts made for one check cell, with fresh names, on the first check that needs
    them: ``author`` wrote ``post_id``, ``liker`` wrote ``second_post_id``; ``idle`` is inactive.
    """

    def __init__(self, pg: Playground, dependency: Dependency) -> None:
        self.pg = pg
        self.dependency = dependency
        self.ready = False

    async def _post(self, user: User) -> str:
        created = await self.pg.client.post(
            "/posts", json={"title": "Likes", "body": "A post"}, headers=user.headers
        )
        created.raise_for_status()
        post_id: str = created.json()["id"]
        return post_id

    async def setup(self) -> None:
        if self.ready:
            return
        suffix = uuid.uuid4().hex[:8]
        self.author: User = await self.pg.user(f"n04_author_{suffix}")
        self.liker: User = await self.pg.user(f"n04_liker_{suffix}")
        self.idle: User = await self.pg.user(f"n04_idle_{suffix}")
        await self.pg.sql(
            "UPDATE auth_user SET is_active = false WHERE username = :name",
            name=f"n04_idle_{suffix}",
        )
        self.post_id: str = await self._post(self.author)
        self.second_post_id: str = await self._post(self.liker)
        app = probes.side_app(self.pg)

        @app.post("/posts/{post_id}/like")
        async def like(post: Annotated[Any, Depends(self.dependency)]) -> dict[str, str | None]:
            return {"liked": str(post.id) if post is not None else None}

        self.app = app
        self.ready = True

    async def like(self, who: str | None, post_id: str | None = None) -> httpx.Response:
        """``who`` (``"author"``, ``"liker"``, ``"idle"`` or ``None``) likes a post."""
        await self.setup()
        user: User | None = getattr(self, who) if who else None
        async with probes.client(self.app) as client:
            headers = user.headers if user else None
            return await client.post(f"/posts/{post_id or self.post_id}/like", headers=headers)


def _expect(response: httpx.Response, status: int, code: str, *, liked: str = "") -> None:
    """``status`` with ``code``; ``liked`` says what a 200 means."""
    body = response.json()
    if response.status_code == 200 and body.get("liked") is None:
        raise AssertionError(
            f"expected {status} {code}, got 200, and your dependency returned None"
        )
    assert not (liked and response.status_code == 200), f"expected {status} {code}: {liked}"
    got = f"{response.status_code} {body.get('code', '')}".rstrip()
    assert code != "OWN_POST" or response.status_code != status or body.get("code") == code, (
        f"expected {status} {code}, got {got}: raise OwnPost() (a domain error with its code), "
        "not HTTPException"
    )
    assert got == f"{status} {code}", f"expected {status} {code}, got {got}"


def _liked(response: httpx.Response, post_id: str) -> None:
    assert response.status_code == 200, f"expected 200, got {response.status_code}"
    liked = response.json()["liked"]
    assert liked is not None, "your dependency returned None: end it with `return post`"
    assert liked == post_id, f"expected the path's post, got {liked}"


def like_rule(pg: Playground, valid_others_post: Dependency) -> list[Check]:
    """Checks for ``valid_others_post`` behind ``POST /posts/{post_id}/like`` on a side app."""
    stage = _Stage(pg, valid_others_post)

    async def someone_else_likes() -> None:
        answered(valid_others_post)
        _liked(await stage.like("liker"), stage.post_id)
        _liked(await stage.like("author", stage.second_post_id), stage.second_post_id)

    async def author_refused() -> None:
        answered(valid_others_post)
        own = (
            "its author, a user made for this check, liked it (HTTP 200): compare "
            "post.author_id with the caller's user_id, not with a user you know"
        )
        _expect(await stage.like("author"), 403, "OWN_POST", liked=own)
        _expect(await stage.like("liker", stage.second_post_id), 403, "OWN_POST", liked=own)

    async def unknown_post() -> None:
        answered(valid_others_post)
        _expect(await stage.like("liker", str(uuid.uuid4())), 404, "POST_NOT_FOUND")

    async def no_token() -> None:
        answered(valid_others_post)
        _expect(await stage.like(None), 401, "INVALID_TOKEN")

    async def inactive_user() -> None:
        answered(valid_others_post)
        _expect(
            await stage.like("idle"),
            403,
            "USER_INACTIVE",
            liked="an inactive user liked a post (HTTP 200): a link on the bare token "
            "(TokenData) skips the chain's active-user check; chain on ActiveUser",
        )

    return [
        Check(
            "another user likes a post: 200, the post's id (two posts, two authors)",
            "return the post",
            someone_else_likes,
        ),
        Check(
            "each post's author is refused: 403 OWN_POST",
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
