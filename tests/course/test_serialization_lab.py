import uuid

from fastapi import FastAPI

import course
from course import probes
from course.labs import n17_serialization as serialization_lab


async def test_seed_posts_is_one_insert_and_rerun_safe(pg: course.Playground) -> None:
    ada = await pg.user("ada")
    await serialization_lab.seed_posts(pg, author_id=ada.id, n=5)
    with pg.count_sql() as sql:
        rows = await serialization_lab.seed_posts(pg, author_id=ada.id, n=7)
    assert len(rows) == 7
    assert sql.kinds() == ["DELETE", "INSERT", "SELECT"]


async def test_user_row_is_the_whole_row_or_a_404(pg: course.Playground) -> None:
    ada = await pg.user("ada")
    app = probes.side_app(pg)

    @app.get("/u/{user_id}")
    async def read(user: serialization_lab.UserRow) -> dict[str, str]:
        return {key: str(value) for key, value in serialization_lab.row_dict(user).items()}

    async with probes.client(app) as client:
        found = await client.get(f"/u/{ada.id}")
        missing = await client.get(f"/u/{uuid.uuid4()}")
    assert found.json()["password_hash"].startswith("$argon2id$")
    assert missing.status_code == 404
    assert missing.json()["code"] == "USER_NOT_FOUND"


async def test_time_paths_gives_a_time_per_path() -> None:
    app = FastAPI()

    @app.get("/a")
    async def a() -> dict[str, int]:
        return {"a": 1}

    async with probes.client(app) as client:
        best = await serialization_lab.time_paths(client, ["/a"], rounds=2, per_round=1)
    assert set(best) == {"/a"} and 0 < best["/a"] < 1


def test_plain_copy_keeps_the_fields_and_drops_custom_models_serializer() -> None:
    from datetime import datetime

    from playground.domains.posts.schemas import PostResponse

    plain = serialization_lab.plain_copy(PostResponse)
    assert set(plain.model_fields) == set(PostResponse.model_fields)
    values: dict[str, object] = {
        "id": uuid.UUID(int=0),
        "author_id": uuid.UUID(int=0),
        "title": "t",
        "body": "b",
        "created_at": datetime(2026, 1, 1),
        "updated_at": datetime(2026, 1, 1),
    }
    assert '"2026-01-01T00:00:00+00:00"' in PostResponse.model_validate(values).model_dump_json()
    assert '"2026-01-01T00:00:00"' in plain.model_validate(values).model_dump_json()


def test_best_of_times_calls() -> None:
    calls: list[int] = []
    assert serialization_lab.best_of(lambda: calls.append(1), number=2, repeat=2) >= 0
    assert len(calls) == 4
