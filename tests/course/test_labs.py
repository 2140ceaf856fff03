import course
from course import probes
from playground.auth import dependencies as auth_dependencies


async def test_a_side_app_shares_the_database_and_renders_errors(pg: course.Playground) -> None:
    ada = await pg.user("ada")
    app = probes.side_app(pg)

    @app.get("/whoami")
    async def whoami(user: auth_dependencies.ActiveUser) -> dict[str, str]:
        return {"username": user.username}

    async with probes.client(app) as client:
        refused = await client.get("/whoami")
        with probes.count_sessions(app) as sessions:
            measured = await probes.measure(pg, client, "/whoami", ada.headers)
    assert (refused.status_code, refused.json()["code"]) == (401, "INVALID_TOKEN")
    assert (measured.status, measured.decodes, measured.selects) == (200, 1, 1)
    assert len(sessions) == 1
    assert app.state.sessionmaker is pg.app.state.sessionmaker  # restored
