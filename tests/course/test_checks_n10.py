import os
import secrets
from pathlib import Path

import pytest

import course
from course.checks import n10
from course.labs.n10_environ import environ
from tests.course.wrong import Wrong

DATABASE_URL = "sqlite+aiosqlite:///./exercise.db"


def skeleton(folder: Path, database_url: str) -> Path:
    return folder / ".env"


def solution(folder: Path, database_url: str) -> Path:
    env_file = folder / ".env"
    env_file.write_text(
        "PLAYGROUND_ENVIRONMENT=production\n"
        f"PLAYGROUND_DATABASE_URL={database_url}\n"
        f"PLAYGROUND_AUTH_JWT_SECRET={secrets.token_urlsafe(48)}\n"
    )
    return env_file


def hard_coded(folder: Path, database_url: str) -> Path:
    env_file = folder / ".env"
    env_file.write_text(
        f"PLAYGROUND_ENVIRONMENT=production\nPLAYGROUND_DATABASE_URL={database_url}\n"
        f"PLAYGROUND_AUTH_JWT_SECRET={'k' * 40}\n"
    )
    return env_file


def no_secret(folder: Path, database_url: str) -> Path:
    """The anti-pattern: production on the development default secret."""
    env_file = folder / ".env"
    env_file.write_text(
        f"PLAYGROUND_ENVIRONMENT=production\nPLAYGROUND_DATABASE_URL={database_url}\n"
    )
    return env_file


def fixed_database(folder: Path, database_url: str) -> Path:
    """Hard-coded: the notebook's database URL written in, whatever the argument."""
    return solution(folder, DATABASE_URL)


def without_auth_prefix(folder: Path, database_url: str) -> Path:
    """The likeliest slip: the settings' prefix on the auth variable (AuthConfig's is longer)."""
    env_file = folder / ".env"
    env_file.write_text(
        f"PLAYGROUND_ENVIRONMENT=production\nPLAYGROUND_DATABASE_URL={database_url}\n"
        f"PLAYGROUND_JWT_SECRET={secrets.token_urlsafe(48)}\n"
    )
    return env_file


SKELETON = skeleton
SECRET = "a fresh, long JWT secret"
WRONG = [
    Wrong("the development secret", no_secret, SECRET, "JWT_SECRET is the development default"),
    Wrong("a hard-coded secret", hard_coded, SECRET, "the same secret on every call"),
    Wrong(
        "the notebook's database written in",
        fixed_database,
        "the app uses the given database",
        "write the argument",
    ),
    Wrong(
        "the settings' prefix on the auth variable",
        without_auth_prefix,
        SECRET,
        "the file sets PLAYGROUND_JWT_SECRET, which nothing reads",
    ),
]


async def check_cell(write_env: n10.WriteEnv) -> None:
    await course.check(n10.production_env(write_env, DATABASE_URL))


async def test_the_solution_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    await check_cell(solution)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and all(line.startswith("✔") for line in lines)


def test_environ_sets_hides_and_restores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYGROUND_ENVIRONMENT", "staging")
    with environ(PLAYGROUND_PING_DELAY_SECONDS="0.1"):
        assert "PLAYGROUND_ENVIRONMENT" not in os.environ
        assert os.environ["PLAYGROUND_PING_DELAY_SECONDS"] == "0.1"
    assert os.environ["PLAYGROUND_ENVIRONMENT"] == "staging"
    assert "PLAYGROUND_PING_DELAY_SECONDS" not in os.environ
