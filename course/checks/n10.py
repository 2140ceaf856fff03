"""Checks for notebook 10: a production ``.env`` that the app factory accepts."""

import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from course.apps import request
from course.exercises import Check, answered
from course.labs.n10_environ import environ
from playground.auth.config import AuthConfig
from playground.auth.constants import DEV_JWT_SECRET, MIN_JWT_SECRET_BYTES
from playground.config import Environment, Settings
from playground.main import create_app

WriteEnv = Callable[[Path, str], Path]


def _read(write_env: WriteEnv, database_url: str) -> tuple[Settings, AuthConfig]:
    with tempfile.TemporaryDirectory() as folder:
        env_file = write_env(Path(folder), database_url)
        if env_file is None or not Path(env_file).is_file():
            answered(None)
        with environ():
            return Settings(_env_file=env_file), AuthConfig(_env_file=env_file)


@asynccontextmanager
async def _app(write_env: WriteEnv, database_url: str) -> AsyncIterator[FastAPI]:
    settings, auth = _read(write_env, database_url)
    app = create_app(settings, auth)
    try:
        yield app
    finally:
        await app.state.engine.dispose()


def production_env(write_env: WriteEnv, database_url: str) -> list[Check]:
    """The learner's ``.env`` builds a production app on the given database."""

    def environment() -> None:
        settings, _ = _read(write_env, database_url)
        assert settings.ENVIRONMENT is Environment.PRODUCTION, (
            f"ENVIRONMENT is {settings.ENVIRONMENT.value!r}"
        )

    def database() -> None:
        settings, _ = _read(write_env, database_url)
        assert database_url == settings.DATABASE_URL, f"DATABASE_URL is {settings.DATABASE_URL!r}"

    def secret() -> None:
        first = _read(write_env, database_url)[1].JWT_SECRET.get_secret_value()
        second = _read(write_env, database_url)[1].JWT_SECRET.get_secret_value()
        assert first != DEV_JWT_SECRET, "JWT_SECRET is the development default"
        assert len(first.encode()) >= MIN_JWT_SECRET_BYTES, f"JWT_SECRET has {len(first)} bytes"
        assert first != second, "the same secret on every call: it is written in the code"

    async def docs_closed() -> None:
        async with _app(write_env, database_url) as app:
            status = (await request(app, "GET", "/docs")).status_code
        assert status == 404, f"GET /docs answered {status}"

    async def health() -> None:
        async with _app(write_env, database_url) as app:
            reported = (await request(app, "GET", "/health")).json()["environment"]
        assert reported == "production", f"/health reports {reported!r}"

    return [
        Check("ENVIRONMENT is production", "PLAYGROUND_ENVIRONMENT=production", environment),
        Check("the app uses the given database", "PLAYGROUND_DATABASE_URL=...", database),
        Check(
            "a fresh, long JWT secret",
            "PLAYGROUND_AUTH_JWT_SECRET=secrets.token_urlsafe(48)",
            secret,
        ),
        Check(
            "create_app accepts it and /docs is closed", "production hides the docs", docs_closed
        ),
        Check("/health reports production", "the app reads its own settings", health),
    ]
