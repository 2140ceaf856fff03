"""Rate limits through ``limits``: in this process's memory, or in Redis when there is one."""

import logging
import math
import time

from limits import parse_many
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

logger = logging.getLogger(__name__)

MEMORY = "async+memory://"


def storage_uri(queue_url: str) -> str:
    """Where the counters live: the queue's Redis (shared by every process), else memory."""
    if queue_url.startswith(("redis://", "rediss://")):
        return f"async+{queue_url}"
    return MEMORY


class Throttle:
    """Counts hits per key in a moving window; several processes agree through Redis."""

    def __init__(self, uri: str = MEMORY) -> None:
        options = {"implementation": "redispy"} if uri.startswith("async+redis") else {}
        self._limiter = MovingWindowRateLimiter(
            storage_from_string(uri, key_prefix="playground", **options)
        )

    async def hit(self, rates: str, *key: str) -> int | None:
        """Count one hit on ``key`` against each of ``rates`` (``"5/minute;100/hour"``).

        ``None`` if it is allowed; otherwise the seconds until the window lets one through.
        A storage that is down (Redis) lets the hit through, with a warning: logins keep
        working while the counters cannot be kept.
        """
        try:
            for rate in parse_many(rates):
                if not await self._limiter.hit(rate, *key):
                    stats = await self._limiter.get_window_stats(rate, *key)
                    return max(1, math.ceil(stats.reset_time - time.time()))
        except Exception as exc:  # redis-py's errors, whatever their class
            logger.warning("rate limit storage unavailable: %s", type(exc).__name__)
        return None
