"""Notebook 17's plumbing: seed a page of posts cheaply, time GETs, read response schemas."""

import statistics
import time
import timeit
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, create_model
from sqlalchemy import delete, insert, inspect, select

from playground.course.playground import Playground
from playground.domains.posts.models import Post


def row_dict(row: Any) -> dict[str, Any]:
    """Every column of an ORM row as a dict: what a route returns when it "just returns the row"."""
    return {column.key: getattr(row, column.key) for column in inspect(row).mapper.column_attrs}


async def seed_posts(pg: Playground, *, author_id: uuid.UUID, count: int) -> list[Post]:
    """``count`` posts by ``author_id`` (theirs before are deleted), inserted with one statement;
    returns them loaded, oldest first."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [
        {
            "id": uuid.uuid4(),
            "author_id": author_id,
            "title": f"Post {number}",
            "body": f"Body of post {number}. " * 4,
            "created_at": start + timedelta(minutes=number),
            "updated_at": start + timedelta(minutes=number),
        }
        for number in range(count)
    ]
    sessionmaker = pg.app.state.sessionmaker
    async with sessionmaker() as session:
        await session.execute(delete(Post).where(Post.author_id == author_id))
        await session.execute(insert(Post), rows)
        await session.commit()
        posts = await session.scalars(
            select(Post).where(Post.author_id == author_id).order_by(Post.created_at)
        )
        return list(posts)


async def per_request(
    client: httpx.AsyncClient, path: str, *, requests: int = 5, rounds: int = 3
) -> float:
    """Seconds per GET of ``path``: the best of ``rounds`` medians of ``requests`` GETs."""
    medians = []
    for _ in range(rounds):
        seconds = []
        for _ in range(requests):
            started = time.perf_counter()
            response = await client.get(path)
            seconds.append(time.perf_counter() - started)
            response.raise_for_status()
        medians.append(statistics.median(seconds))
    return min(medians)


async def count_runs(client: httpx.AsyncClient, path: str, counts: Counter[str]) -> dict[str, int]:
    """GET ``path`` once and return what ``counts`` tallied during it (it starts empty)."""
    counts.clear()
    response = await client.get(path)
    response.raise_for_status()
    return dict(counts)


def response_schema(openapi: dict[str, Any], path: str, method: str = "get") -> dict[str, Any]:
    """The JSON schema an OpenAPI document gives for a path's success response; ``{}`` if none."""
    responses = openapi["paths"][path][method]["responses"]
    success: dict[str, Any] = next(
        (responses[code] for code in sorted(responses) if code.startswith("2")), {}
    )
    schema: dict[str, Any] = (
        success.get("content", {}).get("application/json", {}).get("schema", {})
    )
    return schema


def resolve(openapi: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` itself, or the component its ``$ref`` points to."""
    ref = schema.get("$ref")
    if not isinstance(ref, str):
        return schema
    component: dict[str, Any] = openapi["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return component


def plain_copy(model: type[BaseModel]) -> type[BaseModel]:
    """``model``'s fields on a plain ``BaseModel``: no serializers or validators of its base."""
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
