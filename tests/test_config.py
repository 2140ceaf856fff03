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


def test_the_pool_fits_one_worker_and_is_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    defaults = Settings(_env_file=None, DATABASE_URL="postgresql+asyncpg://u@db.internal/app")
    options = defaults.engine_options()
    # bench's 16 clients in flight never need an overflow connection, which churns
    assert (options["pool_size"], options["max_overflow"]) == (20, 10)
    # bounded waits: for a pooled connection, and for a new one to open
    assert (options["pool_timeout"], options["connect_args"]["timeout"]) == (5, 5)
    monkeypatch.setenv("PLAYGROUND_DATABASE_POOL_SIZE", "8")
    monkeypatch.setenv("PLAYGROUND_DATABASE_MAX_OVERFLOW", "0")
    options = load_settings(
        _env_file=None, DATABASE_URL="sqlite+aiosqlite:///./x.db"
    ).engine_options()
    assert (options["pool_size"], options["max_overflow"]) == (8, 0)
    # An in-memory SQLite database is one connection (SQLAlchemy's StaticPool): no size to give.
    assert Settings(_env_file=None, DATABASE_URL="sqlite+aiosqlite://").engine_options() == {}


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "127.0.0.2"])
def test_no_tls_to_a_loopback_postgres_by_default(host: str) -> None:
    settings = Settings(_env_file=None, DATABASE_URL=f"postgresql+asyncpg://u@{host}:5432/app")
    assert settings.engine_options()["connect_args"] == {"ssl": "disable", "timeout": 5}
    asked = Settings(
        _env_file=None,
        DATABASE_URL=f"postgresql+asyncpg://u@{host}:5432/app",
        DATABASE_SSL_MODE="require",
    )
    assert asked.engine_options()["connect_args"]["ssl"] == "require"


def test_a_remote_postgres_keeps_the_drivers_default_or_the_urls_mode() -> None:
    remote = "postgresql+asyncpg://u@db.example.com/app"
    options = Settings(_env_file=None, DATABASE_URL=remote).engine_options()
    assert "ssl" not in options["connect_args"]
    in_url = Settings(_env_file=None, DATABASE_URL=f"{remote}?ssl=verify-full")
    assert in_url.database_ssl == "verify-full"
    sqlite = Settings(_env_file=None, DATABASE_URL="sqlite+aiosqlite:///./x.db")
    assert sqlite.database_ssl is None
    assert "connect_args" not in sqlite.engine_options()


@pytest.mark.parametrize("environment", ["staging", "production"])
def test_a_deployment_refuses_a_remote_postgres_without_tls(
    monkeypatch: pytest.MonkeyPatch, environment: str
) -> None:
    monkeypatch.setenv("PLAYGROUND_ENVIRONMENT", environment)
    remote = "postgresql+asyncpg://u@db.example.com/app"
    for unencrypted in ({}, {"DATABASE_SSL_MODE": "prefer"}, {"DATABASE_SSL_MODE": "disable"}):
        with pytest.raises(SettingsError, match="PLAYGROUND_DATABASE_SSL_MODE") as refused:
            load_settings(_env_file=None, DATABASE_URL=remote, **unencrypted)
        assert "db.example.com" in str(refused.value)
        assert "require, verify-ca or verify-full" in str(refused.value)
    required = load_settings(_env_file=None, DATABASE_URL=remote, DATABASE_SSL_MODE="require")
    assert required.engine_options()["connect_args"]["ssl"] == "require"
    assert load_settings(_env_file=None, DATABASE_URL=f"{remote}?ssl=verify-full").database_ssl
    # a loopback database (a sidecar, a socket) needs no TLS, deployed or not
    local = load_settings(_env_file=None, DATABASE_URL="postgresql+asyncpg://u@127.0.0.1/app")
    assert local.database_ssl == "disable"
