"""Clean-up of attachments' files (prefix ``PLAYGROUND_ATTACHMENTS_``), done by the worker."""

from typing import Any

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from playground.config import SettingsError, describe_validation_error

ENV_PREFIX = "PLAYGROUND_ATTACHMENTS_"


class PostAttachmentsConfig(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", extra="ignore", frozen=True
    )

    # An upload not completed this long after it began is abandoned: its file and its pending
    # attachment are removed. At least 600 s, the longest an upload URL can work.
    ABANDONED_AFTER_SECONDS: int = Field(default=3600, ge=600, le=30 * 24 * 3600)
    # How often the worker sweeps (a huey periodic task, every N minutes of the hour).
    SWEEP_EVERY_MINUTES: int = Field(default=10, ge=1, le=60)


def load_post_attachments_config(**overrides: Any) -> PostAttachmentsConfig:
    """Read the clean-up settings, or stop with a message that names the bad variable."""
    try:
        return PostAttachmentsConfig(**overrides)
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc, prefix=ENV_PREFIX)) from None
