"""Notebook 19's plumbing: posts seeded by the thousand, one summary list built four ways,
statements counted and timed, and the JSON query compiled for PostgreSQL."""

import gc
import math
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from pydantic import TypeAdapter
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from course.counters import count_sql
from course.labs.n19_data import READERS as READERS
from course.labs.n19_data import WRITERS as WRITERS
from course.labs.n19_data import Article as Article
from course.labs.n19_data import Author as Author
from course.labs.n19_data import Review as Review
from course.labs.n19_data import seed as seed
from course.labs.n19_plot import plot as plot
from course.sandbox import Playground
from playground.domains.posts import service as posts_service
from playground.domains.posts.schemas import PostSummary
from playground.models import CustomModel

SIZES = (10, 100, 1000)
BUDGET = 0.1  # seconds of timing per way and size, beyond a first run
_SUMMARIES = TypeAdapter(list[PostSummary])


def summarize(article: Article, author: Author, reviews: Sequence[Review]) -> PostSummary:
    """A post's summary, aggregated in Python."""
    ratings = [review.rating for review in reviews]
    return PostSummary(
        id=article.id,
        title=article.title,
        created_at=article.created_at,
        author_username=author.username,
        review_count=len(ratings),
        average_rating=sum(ratings) / len(ratings) if ratings else None,
    )


def _newest_first() -> sa.Select[Article]:
    return select(Article).order_by(Article.created_at.desc(), Article.id)


async def n_plus_one(session: AsyncSession) -> list[PostSummary]:
    """The posts, then each post's author and reviews loaded lazily: 1 + N + authors SELECTs."""
    summaries = []
    for article in await session.scalars(_newest_first()):
        author = await article.awaitable_attrs.author  # a SELECT, unless already loaded
        reviews = await article.awaitable_attrs.reviews  # a SELECT per post
        summaries.append(summarize(article, author, reviews))
    return summaries


async def selectin(session: AsyncSession) -> list[PostSummary]:
    """The ORM with ``selectinload``: 3 SELECTs (posts, their authors, their reviews), one more
    per further 500 ids in an ``IN`` list."""
    articles = await session.scalars(
        _newest_first().options(selectinload(Article.author), selectinload(Article.reviews))
    )
    return [summarize(article, article.author, article.reviews) for article in articles]


async def joined(session: AsyncSession) -> list[PostSummary]:
    """The playground's own query (``GET /posts/summary``): joins and aggregates, 1 SELECT."""
    rows = await session.execute(posts_service.summary_query())
    return [PostSummary.model_validate(row._mapping) for row in rows]


def json_query(dialect: str = "sqlite") -> sa.Select[Any]:
    """The summaries as one JSON array, built by the database: SQLite's ``json_object`` and
    ``json_group_array``, or PostgreSQL's ``json_build_object`` and ``json_agg``."""
    rows = posts_service.summary_query().subquery("summary")
    fields = PostSummary.model_fields  # the object's keys: the schema's fields, in its order
    pairs = [item for name in fields for item in (sa.literal(name), rows.c[name])]
    if dialect == "postgresql":
        order = (rows.c.created_at.desc(), rows.c.id)
        array = func.json_agg(postgresql.aggregate_order_by(func.json_build_object(*pairs), *order))
        # As text, as SQLite gives it (asyncpg would hand SQLAlchemy a decoded list).
        return select(sa.cast(func.coalesce(array, sa.literal_column("'[]'::json")), sa.Text))
    # SQLite aggregates in the order the subquery gives (ORDER BY inside it).
    return select(func.coalesce(func.json_group_array(func.json_object(*pairs)), "[]"))


async def json_in_db(session: AsyncSession) -> list[PostSummary]:
    """One SELECT returns the JSON text; Pydantic only validates it."""
    text = await session.scalar(json_query(session.get_bind().dialect.name))
    return _SUMMARIES.validate_json(text)


def same(left: Sequence[CustomModel], right: Sequence[CustomModel]) -> bool:
    """The same rows in the same order; floats equal to 12 significant digits (SQLite's
    ``json_object`` writes a REAL with 15: 10/3 comes back as 3.33333333333333)."""

    def close(a: object, b: object) -> bool:
        if isinstance(a, float) and isinstance(b, float):
            return math.isclose(a, b, rel_tol=1e-12)
        return a == b

    return len(left) == len(right) and all(
        type(a) is type(b) and all(close(value, getattr(b, name)) for name, value in a)
        for a, b in zip(left, right, strict=False)
    )


def postgresql_sql() -> str:
    """The JSON query as PostgreSQL would receive it (compiled, no server needed)."""
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    compiled = json_query("postgresql").compile(
        dialect=dialect, compile_kwargs={"literal_binds": True}
    )
    return str(compiled)


Way = Callable[[AsyncSession], Awaitable[list[PostSummary]]]
WAYS: dict[str, Way] = {
    "n_plus_one": n_plus_one,
    "selectinload": selectin,
    "joined": joined,
    "json": json_in_db,
}


@dataclass(frozen=True)
class Run:
    summaries: list[PostSummary]
    statements: int
    seconds: float


async def run(pg: Playground, way: Way) -> Run:
    """One way, in a fresh session: what it returns, how many statements it sent, how long."""
    with count_sql(pg.engine) as sql:
        started = time.perf_counter()
        async with pg.app.state.sessionmaker() as session:
            summaries = await way(session)
        seconds = time.perf_counter() - started
    return Run(summaries=summaries, statements=sql.count, seconds=seconds)


async def best_time(
    pg: Playground, way: Way, *, budget: float = BUDGET, least: int = 1, most: int = 5
) -> float:
    """The best seconds of one run of ``way``: runs again while under ``budget`` in all (at least
    ``least`` times, at most ``most``), with no GC while timing (collected before); ``inf`` if
    it never ran."""
    best, spent, runs = math.inf, 0.0, 0
    was_enabled = gc.isenabled()
    gc.collect()  # the last way's ORM objects are not collected on this one's time
    gc.disable()
    try:
        while runs < most and (runs < least or spent < budget):
            started = time.perf_counter()
            async with pg.app.state.sessionmaker() as session:
                await way(session)
            took = time.perf_counter() - started
            best, spent, runs = min(best, took), spent + took, runs + 1
    finally:
        if was_enabled:
            gc.enable()
    return best


@dataclass(frozen=True)
class Measure:
    posts: int
    statements: int
    seconds: float


async def measure(
    pg: Playground, ways: Mapping[str, Way] = WAYS, sizes: Sequence[int] = SIZES
) -> dict[str, list[Measure]]:
    """Each way at each size: statements sent and the best seconds of its runs within ``BUDGET``
    (the posts re-seeded per size)."""
    table: dict[str, list[Measure]] = {name: [] for name in ways}
    for size in sizes:
        await seed(pg, posts=size)
        for name, way in ways.items():
            counted = await run(pg, way)  # a slow way runs once: its first run counts
            again = await best_time(pg, way, budget=BUDGET - counted.seconds, least=0)
            table[name].append(Measure(size, counted.statements, min(counted.seconds, again)))
    return table


def print_table(table: Mapping[str, Sequence[Measure]]) -> None:
    """One line per way: statements and milliseconds at each size."""
    sizes = [m.posts for m in next(iter(table.values()))]
    print(f"{'':<13}" + "".join(f"{f'{n} posts':>24}" for n in sizes))
    for name, row in table.items():
        cells = "".join(f"{m.statements:>8} stmts {m.seconds * 1000:>7.1f} ms" for m in row)
        print(f"{name:<13}{cells}")


class AuthorStats(CustomModel):
    """The exercise's row: a user, the posts they wrote, the reviews those posts received."""

    username: str
    posts: int
    reviews: int
    average_rating: float | None


async def author_stats_reference(session: AsyncSession) -> list[AuthorStats]:
    """The exercise's answer, the slow way: one query per user, and the sums in Python."""
    stats = []
    for user in await session.scalars(select(Author).order_by(Author.username)):
        articles = (
            await session.scalars(select(Article).where(Article.author_id == user.id))
        ).all()
        ratings = [
            review.rating
            for article in articles
            for review in await article.awaitable_attrs.reviews
        ]
        stats.append(
            AuthorStats(
                username=user.username,
                posts=len(articles),
                reviews=len(ratings),
                average_rating=sum(ratings) / len(ratings) if ratings else None,
            )
        )
    return stats
