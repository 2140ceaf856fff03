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
