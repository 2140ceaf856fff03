import httpx
import pytest
from asgi_lifespan import LifespanManager

import course
from playground import syllabus
from playground.auth.config import AuthConfig
from playground.config import Environment, Settings, SettingsError
from playground.main import create_app

DOC_PATHS = ("/docs", "/redoc", "/openapi.json")
STRONG_SECRET = "s" * 40


def _settings(environment: Environment) -> Settings:
    return Settings(_env_file=None, ENVIRONMENT=environment)


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        (Environment.LOCAL, 200),
        (Environment.STAGING, 200),
        (Environment.PRODUCTION, 404),
        (Environment.TEST, 404),
    ],
)
async def test_docs_are_served_only_where_configured(
    environment: Environment, expected: int
) -> None:
    auth = AuthConfig(_env_file=None, JWT_SECRET=STRONG_SECRET)
    app = create_app(_settings(environment), auth)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        for path in DOC_PATHS:
            assert (await client.get(path)).status_code == expected, path
        assert (await client.get("/health")).status_code == 200


async def test_index_renders_the_course_map(pg: course.Playground) -> None:
    response = await pg.client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    for lesson in syllabus.LESSONS:
        assert lesson.notebook in response.text


async def test_health(pg: course.Playground) -> None:
    response = await pg.client.get("/health")
    assert response.json() == {"status": "ok", "environment": "test", "version": "0.1.0"}


@pytest.mark.parametrize("environment", [Environment.STAGING, Environment.PRODUCTION])
def test_deployed_environments_refuse_the_default_secret(environment: Environment) -> None:
    with pytest.raises(SettingsError, match="PLAYGROUND_AUTH_JWT_SECRET"):
        create_app(_settings(environment), AuthConfig(_env_file=None))
    short = AuthConfig(_env_file=None, JWT_SECRET="short")
    with pytest.raises(SettingsError, match="at least 32 bytes"):
        create_app(_settings(environment), short)


async def test_lifespan_disposes_the_engine() -> None:
    app = create_app(_settings(Environment.TEST), AuthConfig(_env_file=None))
    engine = app.state.engine
    async with LifespanManager(app):
        async with engine.connect():
            pass
        assert engine.pool.checkedin() == 1
    assert engine.pool.checkedin() == 0


def test_two_apps_have_independent_settings() -> None:
    auth = AuthConfig(_env_file=None, JWT_SECRET=STRONG_SECRET)
    local = create_app(_settings(Environment.LOCAL), auth)
    production = create_app(_settings(Environment.PRODUCTION), auth)
    assert local.openapi_url == "/openapi.json"
    assert production.openapi_url is None
    assert local.state.settings is not production.state.settings
