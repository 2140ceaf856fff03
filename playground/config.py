"""Global settings, read from the environment (prefix ``PLAYGROUND_``) and from ``.env``."""

import ipaddress
import re
from enum import StrEnum
from typing import Annotated, Any, Literal

import pydantic_settings
from fastapi import Depends, Request
from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import make_url

from playground import __version__

ENV_PREFIX = "PLAYGROUND_"


class Environment(StrEnum):
    LOCAL = "local"
    STAGING = "staging"
    PRODUCTION = "production"
    TEST = "test"

    @property
    def is_deployed(self) -> bool:
        return self in {Environment.STAGING, Environment.PRODUCTION}


class SettingsError(RuntimeError):
    """A setting has a bad value; the message names the environment variable."""


# libpq's names for the SSL modes, as asyncpg takes them; "auto" is this app's default.
SslMode = Literal["auto", "disable", "allow", "prefer", "require", "verify-ca", "verify-full"]
ENCRYPTED_SSL_MODES = frozenset({"require", "verify-ca", "verify-full"})


def is_loopback(host: str | None) -> bool:
    """``localhost``, ``127.0.0.0/8``, ``::1``, or a Unix socket (no host, or a path)."""
    if not host or host.startswith("/") or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a name: somewhere else
        return False


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", extra="ignore", frozen=True
    )

    ENVIRONMENT: Environment = Environment.LOCAL
    DATABASE_URL: str = Field(
        default="sqlite+aiosqlite:///./playground.db",
        pattern=r"^(sqlite\+aiosqlite|postgresql\+asyncpg)://",
        description="SQLAlchemy async URL.",
    )
    # One worker's pool: what it uses at once, a connection per request in flight and per
    # background task. An overflow connection is closed when it comes back, so a pool smaller
    # than that opens a new one (a server process, authentication) for every request.
    DATABASE_POOL_SIZE: int = Field(
        default=20, ge=1, le=1000, description="Connections the pool keeps open."
    )
    DATABASE_MAX_OVERFLOW: int = Field(
        default=10,
        ge=0,
        le=1000,
        description="Connections opened beyond the pool in a burst, closed again when returned.",
    )
    # Bounded waits: a request waits this long for a pooled connection (all in use: 503
    # DATABASE_BUSY), and for a new one to open (PostgreSQL refused or silent: 503
    # DATABASE_UNAVAILABLE), instead of SQLAlchemy's 30 s and asyncpg's 60 s.
    DATABASE_POOL_TIMEOUT_SECONDS: float = Field(default=5, gt=0, le=300)
    DATABASE_CONNECT_TIMEOUT_SECONDS: float = Field(default=5, gt=0, le=300)
    DATABASE_SSL_MODE: SslMode = Field(
        default="auto",
        validate_default=True,
        description="PostgreSQL's SSL mode (libpq's names). auto: disable for a loopback host, "
        "else the driver's default (prefer); staging and production refuse a remote host "
        "without require, verify-ca or verify-full.",
    )
    SHOW_DOCS_ENVIRONMENTS: frozenset[Environment] = frozenset(
        {Environment.LOCAL, Environment.STAGING}
    )
    PING_DELAY_SECONDS: float = Field(default=0.2, ge=0, le=10)
    # A larger request body is answered 413 before it is read whole.
    MAX_BODY_BYTES: int = Field(default=1_048_576, ge=1024, le=1_073_741_824)
    APP_VERSION: str = __version__  # the package version, unless a deployment says otherwise
    # Observability (playground/observability.py): Prometheus metrics at /metrics, and
    # OpenTelemetry traces of each request and its SQL, sent over OTLP/HTTP to an endpoint (a
    # collector's, e.g. http://127.0.0.1:4318/v1/traces; the prod extra). TRACING unset: spans
    # are made when there is an endpoint to send them to, and not otherwise (a span nobody
    # collects still costs CPU: BENCHMARKS.md); true: always (an exporter added in code).
    METRICS: bool = True
    TRACING: bool | None = None
    OTLP_ENDPOINT: str | None = Field(default=None, pattern=r"^https?://")
    SERVICE_NAME: str = Field(default="playground", min_length=1, max_length=100)

    @field_validator("DATABASE_SSL_MODE")
    @classmethod
    def _remote_database_is_encrypted_when_deployed(cls, mode: str, info: ValidationInfo) -> str:
        environment, url = info.data.get("ENVIRONMENT"), info.data.get("DATABASE_URL")
        if environment is None or url is None or not environment.is_deployed:
            return mode
        database = make_url(url)
        if database.get_backend_name() != "postgresql" or is_loopback(database.host):
            return mode
        if _ssl_mode(mode, url) not in ENCRYPTED_SSL_MODES:
            raise ValueError(
                f"{environment.value} reaches the database at {database.host} unencrypted: "
                f"set require, verify-ca or verify-full"
            )
        return mode

    @property
    def show_docs(self) -> bool:
        return self.ENVIRONMENT in self.SHOW_DOCS_ENVIRONMENTS

    @property
    def serves_pings(self) -> bool:
        """``/pings/*`` block the loop on purpose: a lesson's tool, never deployed."""
        return self.ENVIRONMENT in {Environment.LOCAL, Environment.TEST}

    @property
    def tracing(self) -> bool:
        """Whether requests and their SQL make spans: as set, else when they go somewhere."""
        return self.OTLP_ENDPOINT is not None if self.TRACING is None else self.TRACING

    @property
    def database_ssl(self) -> str | None:
        """The SSL mode the PostgreSQL driver is given; None: the URL's, or the driver's own."""
        return _ssl_mode(self.DATABASE_SSL_MODE, self.DATABASE_URL)

    def engine_options(self) -> dict[str, Any]:
        """``create_engine``'s keyword arguments from these settings: the pool and its
        timeout and, on PostgreSQL, the connect timeout and the SSL mode."""
        database = make_url(self.DATABASE_URL)
        options: dict[str, Any] = {}
        # An in-memory SQLite database is one shared connection (a StaticPool): nothing to size.
        in_memory = database.database in {None, "", ":memory:"} or "mode=memory" in str(database)
        if database.get_backend_name() == "postgresql" or not in_memory:
            options["pool_size"] = self.DATABASE_POOL_SIZE
            options["max_overflow"] = self.DATABASE_MAX_OVERFLOW
            options["pool_timeout"] = self.DATABASE_POOL_TIMEOUT_SECONDS
        if database.get_backend_name() == "postgresql":
            options["connect_args"] = {"timeout": self.DATABASE_CONNECT_TIMEOUT_SECONDS}
            if self.database_ssl is not None:
                options["connect_args"]["ssl"] = self.database_ssl
        return options


def _ssl_mode(mode: str, database_url: str) -> str | None:
    """``mode``, with "auto" resolved: "disable" for a loopback PostgreSQL host, else the
    URL's own ``?ssl=``, else None (the driver's default). None for SQLite."""
    database = make_url(database_url)
    if database.get_backend_name() != "postgresql":
        return None
    if mode != "auto":
        return mode
    in_url = database.query.get("ssl")
    if isinstance(in_url, str):
        return in_url
    return "disable" if is_loopback(database.host) else None


def describe_validation_error(exc: ValidationError, *, prefix: str) -> str:
    """Turn pydantic's error into one line per bad variable, named as it is set."""
    lines = []
    for error in exc.errors(include_url=False):
        field = str(error["loc"][0]) if error["loc"] else "?"
        lines.append(f"{prefix}{field}: {error['msg']} (got {error.get('input')!r})")
    return "invalid settings: " + "; ".join(lines)


def describe_source_error(exc: pydantic_settings.SettingsError, *, prefix: str) -> str:
    """pydantic-settings' own error (a list or set setting that is not JSON), named as set."""
    match = re.search(r'field "(\w+)"', str(exc))
    field = match[1] if match else "?"
    return f"invalid settings: {prefix}{field}: not valid JSON (lists and sets are JSON arrays)"


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, or stop with a message that names the bad variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc, prefix=ENV_PREFIX)) from None
    except pydantic_settings.SettingsError as exc:
        raise SettingsError(describe_source_error(exc, prefix=ENV_PREFIX)) from None


def get_settings(request: Request) -> Settings:
    """The settings of the app serving this request (each app instance has its own)."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]
