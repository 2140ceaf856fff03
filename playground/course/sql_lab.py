"""Notebook 19's plumbing: posts seeded by the thousand, one summary list built four ways,
statements counted and timed, and the JSON query compiled for PostgreSQL."""

import gc
import io
import math
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from pydantic import TypeAdapter
from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncAttrs, AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, relationship, selectinload

from playground.auth.models import AuthUser
from playground.course.counters import count_sql
from playground.course.playground import Playground
from playground.database import utcnow
from playground.domains.posts import service as posts_service
from playground.domains.posts.models import Post, PostReview
from playground.domains.posts.schemas import PostSummary
from playground.models import CustomModel

if TYPE_CHECKING:
    from IPython.display import Image

WRITERS = 10  # every post is by one of them, in turn
READERS = 3  # they review, never write: post i gets i % 4 reviews
SIZES = (10, 100, 1000)
BUDGET = 0.1  # seconds of timing per way and size, beyond a first run
_HASH = "not-a-password-hash"  # seeded users never log in
_SUMMARIES = TypeAdapter(list[PostSummary])


# The ORM's view of the same tables, with relationships, as a "Pydantic-first" codebase maps
# them: a registry of its own, so the app's models stay as they are.
class _Base(AsyncAttrs, DeclarativeBase):
    pass


class Author(_Base):
    __table__ = AuthUser.__table__

    id: Mapped[uuid.UUID]
    username: Mapped[str]


class Review(_Base):
    __table__ = PostReview.__table__

    rating: Mapped[int]


class Article(_Base):
    __table__ = Post.__table__

    id: Mapped[uuid.UUID]
    author_id: Mapped[uuid.UUID]
    title: Mapped[str]
    created_at: Mapped[datetime]
    author: Mapped[Author] = relationship()
    reviews: Mapped[list[Review]] = relationship()


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


async def seed(pg: Playground, *, posts: int) -> None:
    """Exactly ``posts`` posts in the database (any others are deleted), by ``WRITERS`` writers
    in turn, post ``i`` with ``i % 4`` reviews by the ``READERS``; a handful of statements."""
    names = [f"writer{i}" for i in range(WRITERS)] + [f"reader{i}" for i in range(READERS)]
    async with pg.engine.begin() as connection:
        await connection.execute(delete(Post))
        known = set(
            await connection.scalars(select(AuthUser.username).where(AuthUser.username.in_(names)))
        )
        missing = [name for name in names if name not in known]
        if missing:
            await connection.execute(
                insert(AuthUser),
                [
                    {
                        "id": uuid.uuid4(),
                        "username": name,
                        "email": f"{name}@example.com",
                        "password_hash": _HASH,
                        "first_name": name.capitalize(),
                        "created_at": utcnow(),
                    }
                    for name in missing
                ],
            )
        ids = {
            name: user_id
            for name, user_id in await connection.execute(select(AuthUser.username, AuthUser.id))
        }
        writers = [ids[f"writer{i}"] for i in range(WRITERS)]
        readers = [ids[f"reader{i}"] for i in range(READERS)]
        start = utcnow()
        rows = [
            {
                "id": uuid.uuid4(),
                "author_id": writers[i % WRITERS],
                "title": f"Post {i}",
                "body": "x" * 100,
                "created_at": start + timedelta(seconds=i),  # distinct: a stable order
                "updated_at": start + timedelta(seconds=i),
            }
            for i in range(posts)
        ]
        reviews = [
            {
                "id": uuid.uuid4(),
                "post_id": row["id"],
                "author_id": readers[k],
                "rating": 1 + (i + 2 * k) % 5,
                "comment": "",
                "created_at": start,
            }
            for i, row in enumerate(rows)
            for k in range(i % 4)
        ]
        if rows:
            await connection.execute(insert(Post), rows)
        if reviews:
            await connection.execute(insert(PostReview), reviews)


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


_W, _H, _LEFT, _TOP, _BOTTOM = 520, 260, 60, 24, 40
_SCALE = 2
_COLOURS = [(214, 39, 40), (255, 127, 14), (31, 119, 180), (44, 160, 44)]


def plot(table: Mapping[str, Sequence[Measure]]) -> "Image":
    """Milliseconds against posts, both on log scales: one line per way."""
    from IPython.display import Image  # only notebooks need IPython
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFont

    image = PILImage.new("RGB", ((_W + 150) * _SCALE, _H * _SCALE), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=10 * _SCALE)
    measures = [m for row in table.values() for m in row]
    xs = [math.log10(m.posts) for m in measures]
    ys = [math.log10(max(m.seconds * 1000, 1e-3)) for m in measures]
    y_low, y_high = math.floor(min(ys)), math.ceil(max(ys))
    y_high += y_high == y_low

    def point(posts: int, ms: float) -> tuple[float, float]:
        fx = (math.log10(posts) - min(xs)) / ((max(xs) - min(xs)) or 1)
        fy = (math.log10(max(ms, 1e-3)) - y_low) / (y_high - y_low)
        x = _LEFT + fx * (_W - _LEFT - 20)
        y = _TOP + (1 - fy) * (_H - _TOP - _BOTTOM)
        return x * _SCALE, y * _SCALE

    for decade in range(y_low, y_high + 1):
        _, y = point(measures[0].posts, 10.0**decade)
        draw.line([(_LEFT * _SCALE, y), ((_W - 20) * _SCALE, y)], fill=(225, 225, 225))
        draw.text(((_LEFT - 6) * _SCALE, y), f"{10.0**decade:g} ms", "black", font, anchor="rm")
    for posts in sorted({m.posts for m in measures}):
        x, _ = point(posts, 10.0**y_low)
        draw.text((x, (_H - _BOTTOM + 14) * _SCALE), f"{posts}", "black", font, anchor="mm")
    draw.text(
        ((_W / 2) * _SCALE, (_H - 8) * _SCALE), "posts (log scale)", "black", font, anchor="mm"
    )
    for index, (name, row) in enumerate(table.items()):
        colour = _COLOURS[index % len(_COLOURS)]
        points = [point(m.posts, m.seconds * 1000) for m in row]
        draw.line(points, fill=colour, width=2 * _SCALE)
        for x, y in points:
            draw.ellipse([x - 6, y - 6, x + 6, y + 6], fill=colour)
        label_y = (_TOP + 10 + 18 * index) * _SCALE
        draw.line([(_W * _SCALE, label_y), ((_W + 20) * _SCALE, label_y)], colour, 2 * _SCALE)
        draw.text(((_W + 26) * _SCALE, label_y), name, "black", font, anchor="lm")
    png = io.BytesIO()
    image.save(png, format="PNG", optimize=True)
    return Image(data=png.getvalue(), format="png", width=image.width // _SCALE)  # type: ignore[no-untyped-call]
