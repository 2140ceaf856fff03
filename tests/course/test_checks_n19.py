from typing import Any

import pytest
from sqlalchemy import Float, cast, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

import course
from course.checks import n19
from course.labs import n19_sql as sql_lab
from playground.auth.models import AuthUser
from playground.domains.posts.models import Post, PostReview


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
        "✔ the same rows as the N+1 reference, ordered by username (on two seeds)",
        "✔ each post counted once, not once per review (writer3: 3 posts, 7 reviews)",
        "✔ a user without posts is listed with 0, 0 and null (reader0)",
    ]


async def test_the_skeleton_is_right_but_sends_a_statement_per_user_and_post(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n19.one_query(skeleton, pg))
    lines = capsys.readouterr().out.splitlines()
    # 1 for the users, then per user a SELECT of their posts and one per post for its reviews.
    statements = 1 + (sql_lab.WRITERS + sql_lab.READERS) + n19.POSTS
    assert lines[0] == f"✘ one SQL statement: it sent {statements} statements"
    assert [line[0] for line in lines if not line.startswith("  ")] == ["✘", "✘", "✔", "✔", "✔"]


async def test_counting_posts_through_the_review_join_fans_out(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n19.one_query(fanned_out, pg))
    lines = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("  ")]
    assert lines[:2] == [
        "✔ one SQL statement",
        "✔ count and avg computed in SQL (GROUP BY), not in Python",
    ]
    lines = lines[1:]
    assert lines[1].startswith("✘ the same rows as the N+1 reference")
    assert lines[2] == (
        "✘ each post counted once, not once per review (writer3: 3 posts, 7 reviews): "
        "writer3: 7 posts, 7 reviews; expected 3 and 7"
    )
    # count(Post.id) is 0 for a user without posts, even through the outer joins.
    assert lines[3].startswith("✔ a user without posts")


async def test_an_inner_join_drops_the_users_without_posts(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n19.one_query(inner_joined, pg))
    lines = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("  ")]
    assert lines[0] == "✔ one SQL statement"
    lines = lines[1:]
    assert lines[1] == (
        "✘ the same rows as the N+1 reference, ordered by username (on two seeds): 10 rows, "
        "the reference has 13; first difference: " + lines[1].split("first difference: ", 1)[1]
    )
    assert lines[2].startswith("✔ each post counted once")
    assert lines[3] == (
        "✘ a user without posts is listed with 0, 0 and null (reader0): reader0 (no posts) is "
        "missing"
    )


async def test_the_unanswered_skeleton_fails_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n19.one_query(..., pg))  # type: ignore[arg-type]
    out = capsys.readouterr().out
    assert out.count("✘") == 5 and "not answered yet" in out


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


async def test_counting_in_python_after_one_select_is_caught(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n19.one_query(in_python, pg))
    lines = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("  ")]
    assert lines[0] == "✔ one SQL statement"
    assert lines[1].startswith("✘ count and avg computed in SQL (GROUP BY), not in Python: no ")
    assert "the counting and averaging happened in Python" in lines[1]
    assert [line[0] for line in lines[2:]] == ["✔", "✔", "✔"]


async def test_rows_hard_coded_from_the_notebook_are_caught(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await sql_lab.seed(pg, posts=n19.POSTS)
    async with pg.app.state.sessionmaker() as session:
        seen = await solution(session)  # what the learner saw in the notebook, written down

    async def hard_coded(session: AsyncSession) -> list[sql_lab.AuthorStats]:
        await solution(session)  # one statement, for show
        return seen

    await course.check(n19.one_query(hard_coded, pg))
    lines = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("  ")]
    assert lines[2].startswith("✘ the same rows as the N+1 reference, ordered by username")
    assert f"instead of {n19.POSTS}: first difference" in lines[2]
