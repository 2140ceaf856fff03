"""Auth settings (prefix ``PLAYGROUND_AUTH_``): the JWT secret never lives in the code."""

from typing import Any, Literal

import limits
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from playground.auth.constants import DEV_JWT_SECRET, MIN_JWT_SECRET_BYTES
from playground.config import (
    Environment,
    SettingsError,
    describe_validation_error,
)

ENV_PREFIX = "PLAYGROUND_AUTH_"


class AuthConfig(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", extra="ignore", frozen=True
    )

    JWT_SECRET: SecretStr = SecretStr(DEV_JWT_SECRET)
    JWT_ALGORITHM: Literal["HS256"] = "HS256"
    JWT_EXPIRE_MINUTES: int = Field(default=30, ge=1, le=24 * 60)
    # Argon2 cost; the defaults are pwdlib's (RFC 9106 low-memory profile). Tests lower them.
    PASSWORD_HASH_TIME_COST: int = Field(default=3, ge=1, le=10)
    PASSWORD_HASH_MEMORY_KIB: int = Field(default=65_536, ge=8, le=1_048_576)
    # Argon2 runs at most this many at once (each holds PASSWORD_HASH_MEMORY_KIB): a flood of
    # logins waits its turn instead of taking the memory of all of them.
    PASSWORD_HASH_CONCURRENCY: int = Field(default=2, ge=1, le=64)
    # Throttles (``limits`` notation, ";" between several): per client address and per
    # username, counted in memory, or in Redis when the email queue's QUEUE_URL is one.
    LOGIN_RATE_PER_CLIENT: str = "60/minute;600/hour"
    LOGIN_RATE_PER_USERNAME: str = "20/minute;100/hour"
    REGISTER_RATE_PER_CLIENT: str = "30/minute;200/hour"
    REGISTER_RATE_PER_USERNAME: str = "30/minute"

    @field_validator(
        "LOGIN_RATE_PER_CLIENT",
        "LOGIN_RATE_PER_USERNAME",
        "REGISTER_RATE_PER_CLIENT",
        "REGISTER_RATE_PER_USERNAME",
    )
    @classmethod
    def valid_rates(cls, value: str) -> str:
        try:
            limits.parse_many(value)
        except ValueError:
            raise ValueError("not a rate like '10/minute' or '10/minute;100/hour'") from None
        return value

    def check_for(self, environment: Environment) -> None:
        """Staging and production refuse the development secret or a short one."""
        if not environment.is_deployed:
            return
        secret = self.JWT_SECRET.get_secret_value()
        if secret == DEV_JWT_SECRET:
            raise SettingsError(
                f"{ENV_PREFIX}JWT_SECRET must be set in {environment.value}: "
                "the development default is refused"
            )
        if len(secret.encode()) < MIN_JWT_SECRET_BYTES:
            raise SettingsError(
                f"{ENV_PREFIX}JWT_SECRET must be at least {MIN_JWT_SECRET_BYTES} bytes "
                f"in {environment.value}"
            )


def load_auth_config(**overrides: Any) -> AuthConfig:
    """Read the auth settings, or stop with a message that names the bad variable."""
    try:
        return AuthConfig(**overrides)
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc, prefix=ENV_PREFIX)) from None
