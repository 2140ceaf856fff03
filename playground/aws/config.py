"""S3 settings (prefix ``PLAYGROUND_AWS_``): where the bucket is, and how long to wait for it."""

from typing import Any

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from playground.config import Environment, SettingsError, describe_validation_error

ENV_PREFIX = "PLAYGROUND_AWS_"
# The local S3 server's keys (moto takes any): known to everyone, so never a deployment's.
DEV_ACCESS_KEY_ID = "playground"
DEV_SECRET_ACCESS_KEY = "playground-secret"


class AwsConfig(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", extra="ignore", frozen=True
    )

    # None means AWS itself; the course and tests point it at a local S3-compatible server.
    ENDPOINT_URL: str | None = "http://127.0.0.1:9000"
    REGION: str = "us-east-1"
    BUCKET: str = Field(default="playground-attachments", min_length=3, max_length=63)
    ACCESS_KEY_ID: SecretStr = SecretStr(DEV_ACCESS_KEY_ID)
    SECRET_ACCESS_KEY: SecretStr = SecretStr(DEV_SECRET_ACCESS_KEY)
    CONNECT_TIMEOUT_SECONDS: float = Field(default=1.0, gt=0, le=30)
    READ_TIMEOUT_SECONDS: float = Field(default=2.0, gt=0, le=60)
    # The whole call, retries included: a request never waits longer than this for S3.
    CALL_TIMEOUT_SECONDS: float = Field(default=5.0, gt=0, le=120)
    MAX_ATTEMPTS: int = Field(default=2, ge=1, le=10)  # the first try included
    # An upload URL is short-lived, and at most 10 minutes: an upload never completed is
    # removed later (``PLAYGROUND_ATTACHMENTS_ABANDONED_AFTER_SECONDS``, at least that long).
    UPLOAD_EXPIRES_SECONDS: int = Field(default=300, ge=1, le=600)
    DOWNLOAD_EXPIRES_SECONDS: int = Field(default=900, ge=1, le=7 * 24 * 3600)
    # Local servers start empty; a deployed app's bucket is made by whoever owns the account.
    CREATE_BUCKET: bool = False

    def check_for(self, environment: Environment) -> None:
        """Production refuses the local server's keys, as it refuses the development JWT secret."""
        if environment is not Environment.PRODUCTION:
            return
        for name, default in (
            ("ACCESS_KEY_ID", DEV_ACCESS_KEY_ID),
            ("SECRET_ACCESS_KEY", DEV_SECRET_ACCESS_KEY),
        ):
            secret: SecretStr = getattr(self, name)
            if secret.get_secret_value() == default:
                raise SettingsError(
                    f"{ENV_PREFIX}{name} must be set in production: "
                    "the local S3 server's default is refused"
                )


def load_aws_config(**overrides: Any) -> AwsConfig:
    """Read the S3 settings, or stop with a message that names the bad variable."""
    try:
        return AwsConfig(**overrides)
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc, prefix=ENV_PREFIX)) from None
