import os
import secrets
from pathlib import Path

import pytest

import course
from course.checks import n10
from course.labs.n10_environ import environ

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


async def test_the_solution_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n10.production_env(solution, DATABASE_URL))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and all(line.startswith("✔") for line in lines)


async def test_the_skeleton_fails(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n10.production_env(skeleton, DATABASE_URL))
    out = capsys.readouterr().out
    assert "✘ ENVIRONMENT is production: not answered yet" in out
    assert "✔" not in out


async def test_a_hard_coded_secret_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n10.production_env(hard_coded, DATABASE_URL))
    assert "✘ a fresh, long JWT secret: the same secret on every call" in capsys.readouterr().out


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


async def test_the_development_secret_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n10.production_env(no_secret, DATABASE_URL))
    out = capsys.readouterr().out
    assert "✘ a fresh, long JWT secret: JWT_SECRET is the development default" in out
    assert (
        "✘ create_app accepts it: /docs closed, /health says production: create_app refused" in out
    )


async def test_a_database_url_written_in_fails(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n10.production_env(fixed_database, DATABASE_URL))
    out = capsys.readouterr().out
    assert "✘ the app uses the given database: given 'sqlite+aiosqlite:///./" in out
    assert "write the argument" in out
    assert out.count("✘") == 1


async def test_a_wrong_prefix_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n10.production_env(without_auth_prefix, DATABASE_URL))
    out = capsys.readouterr().out
    assert (
        "✘ a fresh, long JWT secret: the file sets PLAYGROUND_JWT_SECRET, which nothing reads: "
        "the variable is PLAYGROUND_AUTH_JWT_SECRET"
    ) in out


def test_environ_sets_hides_and_restores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYGROUND_ENVIRONMENT", "staging")
    with environ(PLAYGROUND_PING_DELAY_SECONDS="0.1"):
        assert "PLAYGROUND_ENVIRONMENT" not in os.environ
        assert os.environ["PLAYGROUND_PING_DELAY_SECONDS"] == "0.1"
    assert os.environ["PLAYGROUND_ENVIRONMENT"] == "staging"
    assert "PLAYGROUND_PING_DELAY_SECONDS" not in os.environ
