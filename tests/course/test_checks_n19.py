from typing import Any

import pytest
from sqlalchemy import Float, cast, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

import course
from course.checks import n19
from course.labs import n19_sql as sql_lab
from playground.auth.models import AuthUser
from playground.domains.posts.models import Post, PostReview
from tests.course.wrong import Wrong


def _stats(posts: Any) -> Any:
    return (
        select(
            AuthUser.username,
            posts.label("posts"),
            func.count(PostReview.id).label("reviews"),
            func.avg(cast(PostReview.rating, Float)).label("average_rating"),
        )
        .group_by(AuthUser.id, AuthUser.username)
        .order_by(AuthUser.username)
    )


async def _one_select(
    session: AsyncSession, *, distinct_posts: bool, every_user: bool
) -> list[sql_lab.AuthorStats]:
    posts = func.count(distinct(Post.id) if distinct_posts else Post.id)
    joined = _stats(posts).join(Post, Post.author_id == AuthUser.id, isouter=every_user)
    rows = await session.execute(joined.outerjoin(PostReview, PostReview.post_id == Post.id))
    return [sql_lab.AuthorStats.model_validate(row._mapping) for row in rows]


async def solution(session: AsyncSession) -> list[sql_lab.AuthorStats]:
    return await _one_select(session, distinct_posts=True, every_user=True)


async def skeleton(session: AsyncSession) -> list[sql_lab.AuthorStats]:
    return await sql_lab.author_stats_reference(session)


async def fanned_out(session: AsyncSession) -> list[sql_lab.AuthorStats]:  # a post per review
    return await _one_select(session, distinct_posts=False, every_user=True)


async def inner_joined(session: AsyncSession) -> list[sql_lab.AuthorStats]:  # no postless user
    return await _one_select(session, distinct_posts=True, every_user=False)


async def test_the_solution_passes_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await pg.user("ada")  # a user of the notebook's own, with no posts
    await course.check(n19.one_query(solution, pg))
    assert capsys.readouterr().out.splitlines() == [
        "✔ one SQL statement",
        "✔ count and avg computed in SQL (GROUP BY), not in Python",
        "✔ each post counted once, not once per review (writer3: 3 posts, 7 reviews)",
        "✔ a user without posts is listed with 0, 0 and null (reader0)",
        "✔ the same rows as the N+1 reference, ordered by username (on two seeds)",
    ]


async def in_python(session: AsyncSession) -> list[sql_lab.AuthorStats]:
    """One SELECT of the raw joined rows, then counting and averaging in Python."""
    query = (
        select(AuthUser.username, Post.id, PostReview.id, PostReview.rating)
        .outerjoin(Post, Post.author_id == AuthUser.id)
        .outerjoin(PostReview, PostReview.post_id == Post.id)
        .order_by(AuthUser.username)
    )
    totals: dict[str, tuple[set[Any], list[int]]] = {}
    for username, post_id, review_id, rating in await session.execute(query):
        posts, ratings = totals.setdefault(username, (set(), []))
        posts.discard(None)
        posts.add(post_id)
        if review_id is not None:
            ratings.append(rating)
    return [
        sql_lab.AuthorStats(
            username=name,
            posts=len(posts - {None}),
            reviews=len(ratings),
            average_rating=sum(ratings) / len(ratings) if ratings else None,
        )
        for name, (posts, ratings) in totals.items()
    ]


_WRITTEN: dict[object, list[sql_lab.AuthorStats]] = {}


async def hard_coded(session: AsyncSession) -> list[sql_lab.AuthorStats]:
    """The rows the notebook printed, written down: right on the notebook's seed only."""
    rows = await solution(session)  # one statement, for show
    return _WRITTEN.setdefault(session.bind, rows)


async def not_answered(session: AsyncSession) -> list[sql_lab.AuthorStats]:  # type: ignore[empty-body]
    ...


SKELETON = skeleton
SAME_ROWS = "the same rows as the N+1 reference, ordered by username (on two seeds)"
WRONG = [
    Wrong(
        "a statement per user and post",
        skeleton,
        "one SQL statement",
        "statements: one or more per user and per post (N+1)",
    ),
    Wrong(
        "counted in Python after one select",
        in_python,
        "count and avg computed in SQL (GROUP BY), not in Python",
        "the counting and averaging happened in Python",
    ),
    Wrong(
        "posts counted through the review join",
        fanned_out,
        "each post counted once",
        "the join repeats a post once per review, so count distinct posts",
    ),
    Wrong(
        "an inner join",
        inner_joined,
        "a user without posts is listed",
        "an inner join drops a user without posts",
    ),
    Wrong(
        "rows hard-coded from the notebook",
        hard_coded,
        SAME_ROWS,
        f"instead of {n19.POSTS}: first difference",
    ),
]


async def check_cell(answer: n19.AuthorStatsFn) -> None:
    async with await course.start() as pg:
        await pg.user("ada")  # a user of the notebook's own, with no posts
        await course.check(n19.one_query(answer, pg))


async def test_an_unanswered_function_waits_for_an_answer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    await check_cell(not_answered)
    assert capsys.readouterr().out.splitlines()[2:] == [
        "· count and avg computed in SQL (GROUP BY), not in Python: waits for an answer",
        "· each post counted once, not once per review (writer3: 3 posts, 7 reviews): "
        "waits for an answer",
        "· a user without posts is listed with 0, 0 and null (reader0): waits for an answer",
        f"· {SAME_ROWS}: waits for an answer",
    ]
