from playground import course
from playground.course import apps


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
