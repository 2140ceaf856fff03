import pytest
from fastapi import FastAPI

import course
from course import apps
from course.labs import n08_datetimes as datetimes


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/hello")
    async def hello() -> dict[str, str]:
        return {"hello": "world"}

    return app


async def test_request_and_client_for_talk_to_the_app_in_process() -> None:
    app = _app()
    assert (await apps.request(app, "GET", "/hello")).json() == {"hello": "world"}
    async with apps.client_for(app) as client:
        response = await client.get("/missing")
    assert response.status_code == 404 and str(response.url).startswith(apps.LAB_URL)


def test_shape_keeps_the_separator_fraction_and_offset() -> None:
    assert datetimes.shape("2026-01-02T03:04:05+00:00") == "YYYY-MM-DDThh:mm:ss+00:00"
    assert datetimes.shape("2026-01-02 03:04:05.123456") == "YYYY-MM-DD hh:mm:ss.ffffff"
    assert datetimes.shape("2026-01-02T03:04:05.1Z") == "YYYY-MM-DDThh:mm:ss.fZ"
    with pytest.raises(ValueError, match="not a datetime"):
        datetimes.shape("yesterday")


async def test_a_side_app_shares_the_playground_database_and_error_shape(
    pg: course.Playground,
) -> None:
    app = apps.side_app(pg)

    @app.get("/crash")
    async def crash() -> None:
        raise RuntimeError("boom")

    @app.get("/users")
    async def users() -> int:
        return len(await pg.sql("SELECT id FROM auth_user"))

    await pg.user("ada")
    async with apps.client(app, raise_errors=False) as client:
        assert (await client.get("/users")).json() == 1
        crashed = await client.get("/crash")
    assert crashed.status_code == 500 and crashed.json()["code"] == "INTERNAL_ERROR"
