"""Notebook 19's exercise: per-user totals in one SELECT, equal to the N+1 reference's rows."""

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

import course
from course.labs import n19_sql as sql_lab

AuthorStatsFn = Callable[[AsyncSession], Awaitable[list[sql_lab.AuthorStats]]]
POSTS = 24  # writer3 writes posts 3, 13 and 23, which have 3 + 1 + 3 reviews
BUSY, IDLE = "writer3", "reader0"


@dataclass(frozen=True)
class _Answer:
    rows: list[sql_lab.AuthorStats]
    statements: list[str]
    reference: list[sql_lab.AuthorStats]

    def row(self, rows: list[sql_lab.AuthorStats], username: str) -> sql_lab.AuthorStats | None:
        return next((row for row in rows if row.username == username), None)


def one_query(author_stats: AuthorStatsFn, pg: course.Playground) -> list[course.Check]:
    """``author_stats(session)``: every user by username, the posts they wrote, the reviews those
    posts received and their average rating, in one statement."""
    answers: list[_Answer] = []

    async def answer() -> _Answer:
        if not answers:
            learner = course.answered(author_stats)
            await sql_lab.seed(pg, posts=POSTS)
            with pg.count_sql() as sql:
                async with pg.app.state.sessionmaker() as session:
                    rows = list(await learner(session))
            async with pg.app.state.sessionmaker() as session:
                reference = await sql_lab.author_stats_reference(session)
            answers.append(_Answer(rows, sql.statements, reference))
        return answers[0]

    async def one_statement() -> None:
        got = await answer()
        assert len(got.statements) == 1, (
            f"it sent {len(got.statements)} statements: one or more per user and per post (N+1); "
            "ask for every row in one select"
        )

    async def in_sql() -> None:
        got = await answer()
        assert got.statements, "it sent no statement"
        sent = " ".join(got.statements).lower()
        missing = [part for part in ("count(", "avg(", "group by") if part not in sent]
        assert not missing, (
            f"no {', '.join(missing)} in the SQL it sent: the counting and averaging happened "
            "in Python, after the database sent every joined row"
        )

    async def same_rows() -> None:
        got = await answer()
        assert sql_lab.same(got.rows, got.reference), (
            f"{len(got.rows)} rows, the reference has {len(got.reference)}; "
            f"first difference: {_first_difference(got)}"
        )
        posts = random.randint(POSTS + 5, 2 * POSTS)  # a second seed the learner cannot see
        await sql_lab.seed(pg, posts=posts)
        async with pg.app.state.sessionmaker() as session:
            again = list(await author_stats(session))
        async with pg.app.state.sessionmaker() as session:
            reference = await sql_lab.author_stats_reference(session)
        second = _Answer(again, [], reference)
        assert sql_lab.same(again, reference), (
            f"with {posts} posts instead of {POSTS}: first difference: "
            f"{_first_difference(second)}: compute the rows from the data, not from rows you saw"
        )

    async def no_fan_out() -> None:
        got = await answer()
        mine, expected = got.row(got.rows, BUSY), got.row(got.reference, BUSY)
        assert mine is not None, f"no row for {BUSY}"
        assert expected is not None
        assert (mine.posts, mine.reviews) == (expected.posts, expected.reviews), (
            f"{BUSY}: {mine.posts} posts, {mine.reviews} reviews; expected {expected.posts} and "
            f"{expected.reviews}: the join repeats a post once per review, so count distinct posts"
        )

    async def idle_listed() -> None:
        got = await answer()
        mine = got.row(got.rows, IDLE)
        assert mine is not None, (
            f"{IDLE} (no posts) is missing: an inner join drops a user without posts; start from "
            "AuthUser and outer-join"
        )
        assert (mine.posts, mine.reviews, mine.average_rating) == (0, 0, None), (
            f"{IDLE}: {mine.posts} posts, {mine.reviews} reviews, average {mine.average_rating}"
        )

    one = course.Check(
        "one SQL statement",
        "one select(...) with outerjoin(Post, ...) and outerjoin(PostReview, ...), group_by",
        one_statement,
    )
    fan_out = course.Check(
        f"each post counted once, not once per review ({BUSY}: 3 posts, 7 reviews)",
        "the join repeats a post once per review: count(distinct(Post.id))",
        no_fan_out,
    )
    idle = course.Check(
        f"a user without posts is listed with 0, 0 and null ({IDLE})",
        "start from AuthUser and outer-join; count a joined column (Post.id), not count(*)",
        idle_listed,
    )
    return [
        one,
        course.Check(  # statements sent one by one cannot hold the aggregation: that is above
            "count and avg computed in SQL (GROUP BY), not in Python",
            "func.count(...), func.avg(...) and .group_by(AuthUser.id, AuthUser.username)",
            in_sql,
            needs=one,
        ),
        fan_out,
        idle,
        course.Check(  # the rows differ wherever the two checks above find a mistake
            "the same rows as the N+1 reference, ordered by username (on two seeds)",
            "return [sql_lab.AuthorStats.model_validate(row._mapping) for row in rows]",
            same_rows,
            needs=(fan_out, idle),
        ),
    ]


def _first_difference(got: _Answer) -> str:
    for mine, expected in zip(got.rows, got.reference, strict=False):
        if not sql_lab.same([mine], [expected]):
            return f"{mine!r} where the reference has {expected!r}"
    return "none in the rows both have"
