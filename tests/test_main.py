import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi.routing import iter_route_contexts

import course
from playground import syllabus
from playground.auth.config import AuthConfig
from playground.aws.config import AwsConfig
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


# ---------------------------------------------------------------- deployment hygiene

STRONG_AUTH = AuthConfig(_env_file=None, JWT_SECRET=STRONG_SECRET)
REAL_KEYS = AwsConfig(_env_file=None, ACCESS_KEY_ID="AKIAREAL", SECRET_ACCESS_KEY="r" * 40)


@pytest.mark.parametrize(
    ("environment", "served"),
    [
        (Environment.LOCAL, True),
        (Environment.TEST, True),
        (Environment.STAGING, False),
        (Environment.PRODUCTION, False),
    ],
)
async def test_pings_are_mounted_only_in_local_and_test(
    environment: Environment, served: bool
) -> None:
    app = create_app(_settings(environment), STRONG_AUTH, REAL_KEYS)
    paths = {context.path for context in iter_route_contexts(app.routes)}
    assert ("/pings/terrible" in paths) is served
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        status = (await client.get("/pings/perfect")).status_code
    assert status == (200 if served else 404)


async def test_production_refuses_to_start_with_the_default_aws_keys() -> None:
    app = create_app(_settings(Environment.PRODUCTION), STRONG_AUTH, AwsConfig(_env_file=None))
    with pytest.raises(SettingsError, match="PLAYGROUND_AWS_ACCESS_KEY_ID"):
        async with LifespanManager(app):
            pass
    await app.state.engine.dispose()


@pytest.mark.parametrize("environment", list(Environment))
def test_only_production_refuses_the_default_aws_keys(environment: Environment) -> None:
    defaults = AwsConfig(_env_file=None)
    if environment is Environment.PRODUCTION:
        with pytest.raises(SettingsError, match="PLAYGROUND_AWS_ACCESS_KEY_ID"):
            defaults.check_for(environment)
        secret_only = AwsConfig(_env_file=None, ACCESS_KEY_ID="AKIAREAL")
        with pytest.raises(SettingsError, match="PLAYGROUND_AWS_SECRET_ACCESS_KEY"):
            secret_only.check_for(environment)
    else:
        defaults.check_for(environment)
    REAL_KEYS.check_for(environment)
