"""Checks for notebook 10: a production ``.env`` that the app factory accepts.

The database check passes a database URL made for that call, so an answer that writes the
notebook's own URL into the file is told apart from one that uses the argument.
"""

import re
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from course.apps import request
from course.exercises import Check, answered
from course.labs.n10_environ import environ
from playground.auth.config import AuthConfig
from playground.auth.constants import DEV_JWT_SECRET, MIN_JWT_SECRET_BYTES
from playground.config import Environment, Settings, SettingsError
from playground.main import create_app

WriteEnv = Callable[[Path, str], Path]


def _read(write_env: WriteEnv, database_url: str) -> tuple[Settings, AuthConfig, str]:
    """Settings and AuthConfig read from the learner's file, and the file's text."""
    with tempfile.TemporaryDirectory() as folder:
        env_file = write_env(Path(folder), database_url)
        if env_file is None or not Path(env_file).is_file():
            answered(None)
        with environ():
            text = Path(env_file).read_text()
            return Settings(_env_file=env_file), AuthConfig(_env_file=env_file), text


def _unprefixed(text: str, variable: str, prefix: str) -> None:
    """A wrong prefix is the likeliest slip: name it."""
    for line in text.splitlines():
        name = line.split("=", 1)[0].strip()
        if name != prefix + variable and re.fullmatch(rf"(PLAYGROUND_)?(AUTH_)?{variable}", name):
            raise AssertionError(
                f"the file sets {name}, which nothing reads: the variable is {prefix}{variable}"
            )


@asynccontextmanager
async def _app(write_env: WriteEnv, database_url: str) -> AsyncIterator[FastAPI]:
    settings, auth, _ = _read(write_env, database_url)
    app = create_app(settings, auth)
    try:
        yield app
    finally:
        await app.state.engine.dispose()


def production_env(write_env: WriteEnv, database_url: str) -> list[Check]:
    """The learner's ``.env`` builds a production app on the given database."""

    def environment() -> None:
        settings, _, text = _read(write_env, database_url)
        if settings.ENVIRONMENT is not Environment.PRODUCTION:
            _unprefixed(text, "ENVIRONMENT", "PLAYGROUND_")
        assert settings.ENVIRONMENT is Environment.PRODUCTION, (
            f"ENVIRONMENT is {settings.ENVIRONMENT.value!r}"
        )

    def database() -> None:
        for url in (database_url, f"sqlite+aiosqlite:///./{uuid.uuid4().hex[:8]}.db"):
            settings, _, text = _read(write_env, url)
            if url != settings.DATABASE_URL:
                _unprefixed(text, "DATABASE_URL", "PLAYGROUND_")
            assert url == settings.DATABASE_URL, (
                f"given {url!r}, the file says {settings.DATABASE_URL!r}: write the argument"
            )

    def secret() -> None:
        _, auth, text = _read(write_env, database_url)
        first = auth.JWT_SECRET.get_secret_value()
        second = _read(write_env, database_url)[1].JWT_SECRET.get_secret_value()
        if first == DEV_JWT_SECRET:
            _unprefixed(text, "JWT_SECRET", "PLAYGROUND_AUTH_")
        assert first != DEV_JWT_SECRET, (
            "JWT_SECRET is the development default, which production refuses: "
            "set PLAYGROUND_AUTH_JWT_SECRET"
        )
        assert len(first.encode()) >= MIN_JWT_SECRET_BYTES, f"JWT_SECRET has {len(first)} bytes"
        assert first != second, "the same secret on every call: it is written in the code"

    async def production_app() -> None:
        try:
            async with _app(write_env, database_url) as app:
                status = (await request(app, "GET", "/docs")).status_code
                reported = (await request(app, "GET", "/health")).json()["environment"]
        except SettingsError as exc:
            raise AssertionError(f"create_app refused it: {exc}") from None
        assert status == 404, f"GET /docs answered {status}"
        assert reported == "production", f"/health reports {reported!r}"

    variables = [
        Check("ENVIRONMENT is production", "PLAYGROUND_ENVIRONMENT=production", environment),
        Check("the app uses the given database", "PLAYGROUND_DATABASE_URL=...", database),
        Check(
            "a fresh, long JWT secret",
            "PLAYGROUND_AUTH_JWT_SECRET=secrets.token_urlsafe(48)",
            secret,
        ),
    ]
    return [
        *variables,
        Check(  # a variable the checks above refuse would only be refused again here
            "create_app accepts it: /docs closed, /health says production",
            "production hides the docs",
            production_app,
            needs=tuple(variables),
        ),
    ]
