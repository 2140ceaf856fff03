"""Notebook 19's data: the ORM's view of the posts tables, with relationships, and a seeder."""

import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import DeclarativeBase, Mapped, relationship

from course.sandbox import Playground
from playground.auth.models import AuthUser
from playground.database import utcnow
from playground.domains.posts.models import Post, PostReview

WRITERS = 10  # every post is by one of them, in turn
READERS = 3  # they review, never write: post i gets i % 4 reviews
_HASH = "not-a-password-hash"  # seeded users never log in


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
