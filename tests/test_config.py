from pathlib import Path

import pytest

from playground.config import Environment, Settings, SettingsError, load_settings


def test_defaults_are_local_sqlite_with_docs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLAYGROUND_DATABASE_URL", raising=False)  # set by make test-postgres
    settings = Settings(_env_file=None)
    assert settings.ENVIRONMENT is Environment.LOCAL
    assert settings.DATABASE_URL.startswith("sqlite+aiosqlite://")
    assert settings.show_docs


def test_environment_variables_are_read_with_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYGROUND_ENVIRONMENT", "production")
    monkeypatch.setenv("PLAYGROUND_PING_DELAY_SECONDS", "0.05")
    settings = load_settings(_env_file=None)
    assert settings.ENVIRONMENT is Environment.PRODUCTION
    assert settings.PING_DELAY_SECONDS == 0.05
    assert not settings.show_docs


def test_env_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("PLAYGROUND_ENVIRONMENT=staging\n")
    monkeypatch.chdir(tmp_path)
    assert load_settings().ENVIRONMENT is Environment.STAGING


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PLAYGROUND_ENVIRONMENT", "prod"),
        ("PLAYGROUND_PING_DELAY_SECONDS", "-1"),
        ("PLAYGROUND_PING_DELAY_SECONDS", "soon"),
        ("PLAYGROUND_DATABASE_URL", "mysql://localhost/db"),
        ("PLAYGROUND_SHOW_DOCS_ENVIRONMENTS", '["nowhere"]'),
        ("PLAYGROUND_SHOW_DOCS_ENVIRONMENTS", "local"),  # not JSON: pydantic-settings' own error
    ],
)
def test_bad_value_stops_startup_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=variable):
        load_settings(_env_file=None)


def test_settings_are_frozen() -> None:
    settings = Settings(_env_file=None)
    with pytest.raises(ValueError, match="frozen"):
        settings.ENVIRONMENT = Environment.PRODUCTION  # type: ignore[misc]
