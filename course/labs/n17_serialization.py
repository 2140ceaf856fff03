"""Notebook 17's plumbing: posts seeded in one statement, a user row as a bare dict, timings."""

import gc
import time
import timeit
import uuid
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import httpx
from fastapi import Depends
from pydantic import BaseModel, ConfigDict, create_model
from sqlalchemy import delete, insert, select

from course.sandbox import Playground
from playground.auth import service as auth_service
from playground.auth.models import AuthUser
from playground.database import SessionDep, utcnow
from playground.domains.posts.models import Post
from playground.exceptions import NotFound


class UserNotFound(NotFound):
    code = "USER_NOT_FOUND"
    detail = "User not found"


async def user_row(user_id: uuid.UUID, session: SessionDep) -> AuthUser:
    """The ``auth_user`` row (every column, the password hash too); 404 if there is none."""
    user = await auth_service.get_by_id(session=session, user_id=user_id)
    if user is None:
        raise UserNotFound()
    return user


UserRow = Annotated[AuthUser, Depends(user_row)]


def row_dict(row: Any) -> dict[str, Any]:
    """Every column of an ORM row, as a dict: what a route returns when it returns "the row"."""
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}


async def seed_posts(pg: Playground, *, author_id: uuid.UUID, n: int) -> list[Post]:
    """Exactly ``n`` posts by ``author_id`` (one INSERT statement), loaded back as ORM rows."""
    now = utcnow()
    rows = [
        {
            "id": uuid.uuid4(),
            "author_id": author_id,
            "title": f"Post {i}",
            "body": "x" * 200,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(n)
    ]
    async with pg.engine.begin() as connection:
        await connection.execute(delete(Post).where(Post.author_id == author_id))
        await connection.execute(insert(Post), rows)
    async with pg.app.state.sessionmaker() as session:
        posts = await session.scalars(
            select(Post).where(Post.author_id == author_id).order_by(Post.title)
        )
        return list(posts.all())


async def time_paths(
    client: httpx.AsyncClient, paths: Sequence[str], *, rounds: int = 5, per_round: int = 3
) -> dict[str, float]:
    """The best per-request seconds of each path, rounds interleaved, no GC while timing."""
    best = dict.fromkeys(paths, float("inf"))
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(rounds):
            for path in paths:
                started = time.perf_counter()
                for _ in range(per_round):
                    (await client.get(path)).raise_for_status()
                best[path] = min(best[path], (time.perf_counter() - started) / per_round)
    finally:
        if was_enabled:
            gc.enable()
    return best


def plain_copy(model: type[BaseModel]) -> type[BaseModel]:
    """``model``'s fields on a plain ``BaseModel``: none of its base's serializers or validators."""
    fields: dict[str, Any] = {
        name: (info.annotation, info) for name, info in model.model_fields.items()
    }
    plain: type[BaseModel] = create_model(
        f"Plain{model.__name__}", __config__=ConfigDict(from_attributes=True), **fields
    )
    return plain


def best_of(work: Callable[[], object], *, number: int = 5, repeat: int = 3) -> float:
    """Seconds per call of ``work``: the best of ``repeat`` averages over ``number`` calls."""
    return min(timeit.repeat(work, number=number, repeat=repeat)) / number
