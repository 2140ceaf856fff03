"""Notebook 23's exercise: a user's posts, a page at a time, for a page of work."""

import random
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import insert

import course
from course import apps
from course.exercises import Check, answered
from course.labs import n23_sql as sql_lab
from course.sandbox import Playground
from playground.auth.models import AuthUser
from playground.database import utcnow
from playground.domains.posts.models import Post
from playground.pagination import MAX_LIMIT

PATH = "/users/{user_id}/posts"


@dataclass(frozen=True)
class _World:
    """A fresh playground, two users the learner cannot name with a number of posts the learner
    cannot know, and the route under check on a side app."""

    pg: Playground
    client: httpx.AsyncClient
    posts: dict[uuid.UUID, list[str]]  # each user's post ids, newest first

    async def get(self, user_id: uuid.UUID, **params: int) -> httpx.Response:
        return await self.client.get(PATH.format(user_id=user_id), params=params)

    def user(self, index: int) -> tuple[uuid.UUID, list[str]]:
        user_id = list(self.posts)[index]
        return user_id, self.posts[user_id]


async def _seed(pg: Playground) -> dict[uuid.UUID, list[str]]:
    counts = random.sample(range(31, 78), 2)  # two different numbers of posts
    users = [uuid.uuid4() for _ in counts]
    authors = [user for user, count in zip(users, counts, strict=True) for _ in range(count)]
    random.shuffle(authors)  # the two users' posts interleaved in time
    start, hex_name = utcnow() - timedelta(days=1), uuid.uuid4().hex[:8]
    rows = [
        {
            "id": uuid.uuid4(),
            "author_id": author,
            "title": f"Post {n}",
            "body": "b",
            "created_at": start + timedelta(seconds=n),  # distinct: one right order
            "updated_at": start + timedelta(seconds=n),
        }
        for n, author in enumerate(authors)
    ]
    async with pg.engine.begin() as connection:
        await connection.execute(
            insert(AuthUser),
            [
                {
                    "id": user,
                    "username": f"u{hex_name}{n}",
                    "email": f"u{hex_name}{n}@example.com",
                    "password_hash": "not-a-password-hash",  # they never log in
                    "first_name": "Seeded",
                    "created_at": start,
                }
                for n, user in enumerate(users)
            ],
        )
        await connection.execute(insert(Post), rows)
    newest_first = list(reversed(rows))
    return {user: [str(r["id"]) for r in newest_first if r["author_id"] == user] for user in users}


@asynccontextmanager
async def _world(route: Callable[..., Any]) -> AsyncIterator[_World]:
    async with await course.start() as pg:
        app = apps.side_app(pg)
        app.get(PATH)(route)
        posts = await _seed(pg)
        async with apps.client(app, raise_errors=False) as client:
            yield _World(pg, client, posts)


def _page(response: httpx.Response, asked: str) -> dict[str, Any]:
    """The page's JSON, or why there is none."""
    if response.status_code != 200:
        raise AssertionError(f"{asked} answered HTTP {response.status_code}: {response.text[:200]}")
    body = response.json()
    missing = {"items", "total", "limit", "offset"} - set(body if isinstance(body, dict) else ())
    if missing:
        raise AssertionError(f"{asked} answered no Page (missing {', '.join(sorted(missing))})")
    return dict(body)


def _window(count: int) -> tuple[int, int]:
    """A limit and an offset the learner cannot foresee, a full page inside ``count`` posts."""
    limit = random.randint(5, 12)
    return limit, random.randint(3, count - limit - 1)


def paginated_route(route: Callable[..., Any]) -> list[Check]:
    """Checks for ``route`` mounted at ``GET /users/{user_id}/posts``."""

    async def bounded() -> None:
        answered(route)
        async with _world(route) as world:
            user_id, _ = world.user(0)
            response = await world.get(user_id, limit=MAX_LIMIT + 1)
        if response.status_code == 200:
            served = len(response.json().get("items", []))
            raise AssertionError(
                f"limit={MAX_LIMIT + 1} answered HTTP 200 ({served} items): the limit has no "
                f"upper bound; take the page from PageParamsDep (1 <= limit <= {MAX_LIMIT})"
            )
        assert response.status_code == 422, (
            f"limit={MAX_LIMIT + 1} answered HTTP {response.status_code}, not 422"
        )

    async def right_page() -> None:
        answered(route)
        async with _world(route) as world:
            for index in (0, 1):
                user_id, ids = world.user(index)
                limit, offset = _window(len(ids))
                asked = f"limit={limit}&offset={offset}"
                page = _page(await world.get(user_id, limit=limit, offset=offset), asked)
                _same_page(page, ids, limit=limit, offset=offset, asked=asked)

    async def page_of_work() -> None:
        answered(route)
        async with _world(route) as world:
            user_id, ids = world.user(0)
            limit, offset = _window(len(ids))
            async with sql_lab.selects(world.pg.engine) as selected:
                response = await world.get(user_id, limit=limit, offset=offset)
            _page(response, f"limit={limit}&offset={offset}")
        assert selected, "no SELECT reached the database: the page must come from it"
        most = max(selected, key=lambda one: one.rows)
        assert most.rows <= limit + 1, (
            f"a SELECT fetched {most.rows} rows for a page of {limit} ({most.start}): every "
            "post was read, then the page cut in Python; put .limit() and .offset() in the query"
        )

    return [
        Check(
            f"limit={MAX_LIMIT + 1} is refused (422): a page has at most {MAX_LIMIT} items",
            "take limit and offset from PageParamsDep (playground.pagination)",
            bounded,
        ),
        Check(
            "the page holds the user's posts at limit and offset, newest first, with their total",
            "filter on Post.author_id, order by created_at desc then id, "
            "then .limit(page.limit).offset(page.offset); count the user's posts for total",
            right_page,
        ),
        Check(
            "the database does a page of work: no SELECT returns more than limit rows",
            "LIMIT and OFFSET in the SQL (.limit(page.limit).offset(page.offset)), "
            "and total from SELECT count(*)",
            page_of_work,
        ),
    ]


def _same_page(
    page: dict[str, Any], ids: list[str], *, limit: int, offset: int, asked: str
) -> None:
    got = [str(item.get("id")) for item in page["items"] if isinstance(item, dict)]
    expected = ids[offset : offset + limit]
    assert len(got) <= limit, f"{asked}: {len(got)} items, more than the limit"
    if got != expected:
        if got == ids[:limit]:
            raise AssertionError(f"{asked} answered the first {limit} posts: offset was ignored")
        if not set(got) <= set(ids):
            raise AssertionError(f"{asked}: posts of another user in the page (filter on author)")
        if sorted(got) == sorted(expected):
            raise AssertionError(f"{asked}: the right posts, not newest first")
        raise AssertionError(f"{asked}: not the user's posts {offset + 1} to {offset + limit}")
    assert (page["limit"], page["offset"]) == (limit, offset), (
        f"{asked} answered limit={page['limit']}, offset={page['offset']}"
    )
    total = page["total"]
    if total != len(ids):
        if total == len(got):
            raise AssertionError(
                f"{asked}: total is {total}, the page's length, not the user's posts "
                f"({len(ids)}): count them in SQL (func.count())"
            )
        raise AssertionError(
            f"{asked}: total is {total}, but the user has {len(ids)} posts: count them in SQL, "
            "do not write a number"
        )
