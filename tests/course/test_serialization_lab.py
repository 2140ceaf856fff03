from collections import Counter

from fastapi import FastAPI
from pydantic import BaseModel

from playground import course
from playground.course import labs
from playground.course import serialization_lab as lab
from playground.domains.posts.models import Post


class Item(BaseModel):
    name: str


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/model")
    async def model() -> Item:
        return Item(name="a")

    @app.get("/bare")
    async def bare():  # type: ignore[no-untyped-def]
        return {"name": "a"}

    return app


async def test_seed_posts_replaces_the_authors_posts_in_order(pg: course.Playground) -> None:
    ada = await pg.user("ada")
    await lab.seed_posts(pg, author_id=ada.id, count=5)
    posts = await lab.seed_posts(pg, author_id=ada.id, count=3)
    assert [post.title for post in posts] == ["Post 0", "Post 1", "Post 2"]
    assert await pg.sql("SELECT count(*) FROM post") == [(3,)]
    assert isinstance(posts[0], Post)


async def test_row_dict_holds_every_column(pg: course.Playground) -> None:
    ada = await pg.user("ada")
    [post] = await lab.seed_posts(pg, author_id=ada.id, count=1)
    row = lab.row_dict(post)
    assert set(row) == {"id", "author_id", "title", "body", "created_at", "updated_at"}
    assert row["author_id"] == ada.id


async def test_per_request_and_count_runs() -> None:
    counts: Counter[str] = Counter({"stale": 1})
    async with labs.client(_app()) as client:
        assert await lab.per_request(client, "/model", requests=2, rounds=2) > 0
        assert await lab.count_runs(client, "/bare", counts) == {}


def test_response_schema_and_resolve() -> None:
    openapi = _app().openapi()
    schema = lab.response_schema(openapi, "/model")
    assert schema == {"$ref": "#/components/schemas/Item"}
    assert lab.resolve(openapi, schema)["properties"]["name"]["type"] == "string"
    assert lab.response_schema(openapi, "/bare") == {}
    assert lab.resolve(openapi, {}) == {}


def test_plain_copy_keeps_the_fields_and_drops_the_serializer() -> None:
    from datetime import datetime

    from pydantic import TypeAdapter

    from playground.domains.posts.schemas import PostResponse

    plain = lab.plain_copy(PostResponse)
    assert set(plain.model_fields) == set(PostResponse.model_fields)
    values = dict.fromkeys(("id", "author_id"), "00000000-0000-0000-0000-000000000000") | {
        "title": "t",
        "body": "b",
        "created_at": datetime(2026, 1, 1),
        "updated_at": datetime(2026, 1, 1),
    }
    assert b'"2026-01-01T00:00:00+00:00"' in TypeAdapter(PostResponse).dump_json(
        PostResponse(**values)
    )
    assert b'"2026-01-01T00:00:00"' in plain(**values).model_dump_json().encode()


def test_best_of_times_a_call() -> None:
    calls: list[int] = []
    assert lab.best_of(lambda: calls.append(1), number=2, repeat=2) >= 0
    assert len(calls) == 4
