"""Global settings, read from the environment (prefix ``PLAYGROUND_``) and from ``.env``."""

import re
from enum import StrEnum
from typing import Annotated, Any

import pydantic_settings
from fastapi import Depends, Request
from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    SHOW_DOCS_ENVIRONMENTS: frozenset[Environment] = frozenset(
        {Environment.LOCAL, Environment.STAGING}
    )
    PING_DELAY_SECONDS: float = Field(default=0.2, ge=0, le=10)
    # A larger request body is answered 413 before it is read whole.
    MAX_BODY_BYTES: int = Field(default=1_048_576, ge=1024, le=1_073_741_824)
    APP_VERSION: str = __version__  # the package version, unless a deployment says otherwise
    # Observability (playground/observability.py): Prometheus metrics at /metrics, and
    # OpenTelemetry traces of each request and its SQL (off: no spans, and none of their CPU),
    # sent over OTLP/HTTP only when an endpoint is set (a collector's, e.g.
    # http://127.0.0.1:4318/v1/traces; the prod extra).
    METRICS: bool = True
    TRACING: bool = True
    OTLP_ENDPOINT: str | None = Field(default=None, pattern=r"^https?://")
    SERVICE_NAME: str = Field(default="playground", min_length=1, max_length=100)

    @property
    def show_docs(self) -> bool:
        return self.ENVIRONMENT in self.SHOW_DOCS_ENVIRONMENTS

    @property
    def serves_pings(self) -> bool:
        """``/pings/*`` block the loop on purpose: a lesson's tool, never deployed."""
        return self.ENVIRONMENT in {Environment.LOCAL, Environment.TEST}


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
