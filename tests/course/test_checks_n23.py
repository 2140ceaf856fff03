import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import Query
from sqlalchemy import func, select

import course
from course.checks import n23
from playground.database import SessionDep
from playground.domains.posts.models import Post
from playground.domains.posts.schemas import PostResponse
from playground.pagination import Page, PageParamsDep
from tests.course.wrong import Wrong


def _newest_first(user_id: uuid.UUID) -> Any:
    return select(Post).where(Post.author_id == user_id).order_by(Post.created_at.desc(), Post.id)


async def _count(session: Any, user_id: uuid.UUID) -> int:
    total = await session.scalar(
        select(func.count()).select_from(Post).where(Post.author_id == user_id)
    )
    return int(total or 0)


def _items(posts: Any) -> list[PostResponse]:
    return [PostResponse.model_validate(post) for post in posts]


async def solution(
    user_id: uuid.UUID, page: PageParamsDep, session: SessionDep
) -> Page[PostResponse]:
    total = await _count(session, user_id)
    posts = await session.scalars(_newest_first(user_id).limit(page.limit).offset(page.offset))
    return Page(items=_items(posts), total=total, limit=page.limit, offset=page.offset)


async def sliced_in_python(
    user_id: uuid.UUID, page: PageParamsDep, session: SessionDep
) -> Page[PostResponse]:
    posts = (await session.scalars(_newest_first(user_id))).all()  # every post, then a slice
    window = posts[page.offset : page.offset + page.limit]
    return Page(items=_items(window), total=len(posts), limit=page.limit, offset=page.offset)


async def hard_coded_total(
    user_id: uuid.UUID, page: PageParamsDep, session: SessionDep
) -> Page[PostResponse]:
    posts = await session.scalars(_newest_first(user_id).limit(page.limit).offset(page.offset))
    return Page(items=_items(posts), total=50, limit=page.limit, offset=page.offset)


async def total_of_the_page(
    user_id: uuid.UUID, page: PageParamsDep, session: SessionDep
) -> Page[PostResponse]:
    items = _items(
        await session.scalars(_newest_first(user_id).limit(page.limit).offset(page.offset))
    )
    return Page(items=items, total=len(items), limit=page.limit, offset=page.offset)


async def offset_ignored(
    user_id: uuid.UUID, page: PageParamsDep, session: SessionDep
) -> Page[PostResponse]:
    total = await _count(session, user_id)
    posts = await session.scalars(_newest_first(user_id).limit(page.limit))
    return Page(items=_items(posts), total=total, limit=page.limit, offset=page.offset)


async def unbounded_limit(
    user_id: uuid.UUID, session: SessionDep, limit: int = 20, offset: int = Query(0, ge=0)
) -> Page[PostResponse]:
    total = await _count(session, user_id)
    posts = await session.scalars(_newest_first(user_id).limit(limit).offset(offset))
    return Page(items=_items(posts), total=total, limit=limit, offset=offset)


async def skeleton(  # type: ignore[empty-body]
    user_id: uuid.UUID, page: PageParamsDep, session: SessionDep
) -> Page[PostResponse]:
    """The user's posts, newest first, a page at a time."""
    ...


def _lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().out.splitlines()


async def test_the_solution_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n23.paginated_route(solution))
    assert _lines(capsys) == [
        "✔ limit=101 is refused (422): a page has at most 100 items",
        "✔ the page holds the user's posts at limit and offset, newest first, with their total",
        "✔ the database does a page of work: no SELECT returns more than limit rows",
    ]


SKELETON = skeleton
LIMIT = "limit=101 is refused (422)"
PAGE = "the page holds the user's posts at limit and offset"
WORK = "the database does a page of work"
WRONG = [
    Wrong(
        "fetch all, slice in Python",
        sliced_in_python,
        WORK,
        "every post was read, then the page cut in Python",
    ),
    Wrong("a hard-coded total", hard_coded_total, PAGE, "total is 50, but the user has"),
    Wrong(
        "the page's length as total",
        total_of_the_page,
        PAGE,
        "the page's length, not the user's posts",
    ),
    Wrong("offset ignored", offset_ignored, PAGE, "offset was ignored"),
    Wrong("no upper bound on limit", unbounded_limit, LIMIT, "the limit has no upper bound"),
]


async def check_cell(route: Callable[..., Any]) -> None:
    await course.check(n23.paginated_route(route))


async def test_the_skeleton_is_not_answered(capsys: pytest.CaptureFixture[str]) -> None:
    await check_cell(skeleton)
    lines = _lines(capsys)
    assert [line[0] for line in lines if line[:1] in "✘·"] == ["✘", "·", "·"], lines
    assert "not answered yet" in lines[0]
