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
    assert len(lines) == 5 and all(line.startswith("✔") for line in lines)


async def test_the_skeleton_fails(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n10.production_env(skeleton, DATABASE_URL))
    out = capsys.readouterr().out
    assert "✘ ENVIRONMENT is production: not answered yet" in out
    assert "✔" not in out


async def test_a_hard_coded_secret_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n10.production_env(hard_coded, DATABASE_URL))
    assert "✘ a fresh, long JWT secret: the same secret on every call" in capsys.readouterr().out


def test_environ_sets_hides_and_restores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYGROUND_ENVIRONMENT", "staging")
    with environ(PLAYGROUND_PING_DELAY_SECONDS="0.1"):
        assert "PLAYGROUND_ENVIRONMENT" not in os.environ
        assert os.environ["PLAYGROUND_PING_DELAY_SECONDS"] == "0.1"
    assert os.environ["PLAYGROUND_ENVIRONMENT"] == "staging"
    assert "PLAYGROUND_PING_DELAY_SECONDS" not in os.environ
