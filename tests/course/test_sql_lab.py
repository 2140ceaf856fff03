import pytest
from sqlalchemy import func, select

import course
from course.labs import n19_sql as sql_lab
from playground.auth.models import AuthUser
from playground.domains.posts.models import Post, PostReview
from playground.domains.posts.schemas import PostSummary
from tests.helpers import count, run


async def test_seed_makes_exactly_the_posts_asked_for(pg: course.Playground) -> None:
    await sql_lab.seed(pg, posts=12)
    await sql_lab.seed(pg, posts=8)  # again, smaller: the posts are replaced, the users kept
    assert await count(pg, Post) == 8
    assert await count(pg, PostReview) == sum(i % 4 for i in range(8))
    assert await count(pg, AuthUser) == sql_lab.WRITERS + sql_lab.READERS
    [(writers,)] = await run(pg, select(func.count(func.distinct(Post.author_id))))
    assert writers == 8  # one post each for the first eight writers


async def test_the_four_ways_agree_and_count_their_statements(pg: course.Playground) -> None:
    await sql_lab.seed(pg, posts=30)
    runs = {name: await sql_lab.run(pg, way) for name, way in sql_lab.WAYS.items()}
    reference = runs["n_plus_one"].summaries
    assert len(reference) == 30
    assert [summary.title for summary in reference] == [f"Post {n}" for n in range(29, -1, -1)]
    for name, counted in runs.items():
        assert sql_lab.same(counted.summaries, reference), name
    assert {name: counted.statements for name, counted in runs.items()} == {
        "n_plus_one": 1 + 30 + sql_lab.WRITERS,  # the posts; each post's reviews; each author
        "selectinload": 3,
        "joined": 1,
        "json": 1,
    }
    no_reviews = [s for s in reference if s.review_count == 0]
    assert no_reviews and all(s.average_rating is None for s in no_reviews)


async def test_the_ways_on_no_posts(pg: course.Playground) -> None:
    await sql_lab.seed(pg, posts=0)
    for name, way in sql_lab.WAYS.items():
        assert (await sql_lab.run(pg, way)).summaries == [], name


def test_the_json_query_per_dialect() -> None:
    sqlite = str(sql_lab.json_query())
    assert "json_group_array(json_object(" in sqlite
    compiled = sql_lab.postgresql_sql()
    assert compiled.startswith("SELECT CAST(coalesce(json_agg(json_build_object('id', summary.id, ")
    assert "'[]'::json) AS TEXT)" in compiled  # text, as SQLite returns it
    assert "ORDER BY summary.created_at DESC, summary.id)" in compiled
    assert "GROUP BY post.id, auth_user.username" in compiled


def test_same_allows_the_last_digits_of_a_float_only() -> None:
    row = PostSummary.model_validate(
        {
            "id": "7c3ff6d3-d86a-4487-8738-e7666733c2ae",
            "title": "t",
            "created_at": "2026-01-01T00:00:00",
            "author_username": "ada",
            "review_count": 3,
            "average_rating": 10 / 3,
        }
    )
    assert sql_lab.same([row], [row.model_copy(update={"average_rating": 3.33333333333333})])
    assert not sql_lab.same([row], [row.model_copy(update={"average_rating": 3.33})])
    assert not sql_lab.same([row], [row.model_copy(update={"review_count": 2})])
    assert not sql_lab.same([row], [row, row])


async def test_measure_prints_and_plots(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    ways = {"n_plus_one": sql_lab.n_plus_one, "joined": sql_lab.joined}
    table = await sql_lab.measure(pg, ways, sizes=(10, 20))
    assert [(m.posts, m.statements) for m in table["n_plus_one"]] == [(10, 21), (20, 31)]
    assert [(m.posts, m.statements) for m in table["joined"]] == [(10, 1), (20, 1)]
    assert all(m.seconds > 0 for row in table.values() for m in row)
    sql_lab.print_table(table)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["10", "posts", "20", "posts"]
    assert lines[1].split()[:3] == ["n_plus_one", "21", "stmts"]
    image = sql_lab.plot(table)
    assert image.data[:8] == b"\x89PNG\r\n\x1a\n"


async def test_best_time_runs_at_least_once_and_at_most_most(pg: course.Playground) -> None:
    calls = []

    async def way(session: object) -> list[PostSummary]:
        calls.append(session)
        return []

    assert await sql_lab.best_time(pg, way, budget=10.0, most=3) >= 0
    assert len(calls) == 3
    calls.clear()
    await sql_lab.best_time(pg, way, budget=0.0, most=3)
    assert len(calls) == 1
    calls.clear()
    assert await sql_lab.best_time(pg, way, budget=-1.0, least=0) == float("inf")
    assert calls == []


async def test_the_reference_author_stats(pg: course.Playground) -> None:
    await sql_lab.seed(pg, posts=24)
    async with pg.app.state.sessionmaker() as session:
        stats = {row.username: row for row in await sql_lab.author_stats_reference(session)}
    assert len(stats) == sql_lab.WRITERS + sql_lab.READERS
    writer3 = stats["writer3"]  # posts 3, 13, 23: 3 + 1 + 3 reviews
    assert (writer3.posts, writer3.reviews) == (3, 7)
    assert stats["reader0"].model_dump() == {
        "username": "reader0",
        "posts": 0,
        "reviews": 0,
        "average_rating": None,
    }
