"""Email delivery (prefix ``PLAYGROUND_NOTIFICATIONS_``): in the web process, or on a queue."""

from typing import Any

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from playground.config import SettingsError, describe_validation_error
from playground.domains.notifications.constants import EmailDelivery

ENV_PREFIX = "PLAYGROUND_NOTIFICATIONS_"


class NotificationsConfig(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", extra="ignore", frozen=True
    )

    # background: FastAPI's BackgroundTasks, after the response, in the web process (lost if
    # it stops). queue: an outbox row now, sent by `make worker` in another process, retried.
    DELIVERY: EmailDelivery = EmailDelivery.BACKGROUND
    # sqlite:///<file> (one machine, no server: the course) or redis://host:port/db (several).
    QUEUE_URL: str = Field(default="sqlite:///playground-queue.db", pattern=r"^(sqlite|redis)://")
    # Where the worker finds its send step, as module:function (an email API, SMTP, ...).
    SENDER: str = Field(
        default="playground.domains.notifications.service:log_email", pattern=r"^[\w.]+:\w+$"
    )
    SEND_RETRIES: int = Field(default=4, ge=0, le=20)
    RETRY_DELAY_SECONDS: int = Field(default=1, ge=0, le=3600)
    RETRY_BACKOFF: float = Field(default=2.0, ge=1, le=10)  # each retry waits this much longer
    # A row still queued or sending this long after its last change was lost on its way (a
    # worker killed, a queue restarted empty): the worker puts it on the queue again. Longer
    # than any send takes (a send still running then may be made twice) and than the wait to
    # enqueue (ENQUEUE_TIMEOUT_SECONDS).
    REDELIVER_AFTER_SECONDS: int = Field(default=300, ge=30, le=86_400)


def load_notifications_config(**overrides: Any) -> NotificationsConfig:
    """Read the delivery settings, or stop with a message that names the bad variable."""
    try:
        return NotificationsConfig(**overrides)
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc, prefix=ENV_PREFIX)) from None
