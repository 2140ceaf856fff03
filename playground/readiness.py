"""Readiness: can this process take traffic now? Each system it needs, asked with a bound.

``GET /health`` says the process is alive and touches nothing (a supervisor restarts a process
that does not answer it). ``GET /health/ready`` asks the database and, on Redis, the email
queue: a load balancer sends no traffic to a process that answers 503 here, and restarting it
would not bring the database back.
"""

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Literal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from playground.exceptions import NotReady
from playground.models import CustomModel

# Each probe gets this long; a load balancer's own timeout is usually a few seconds more.
READY_TIMEOUT_SECONDS = 2.0

Probe = Callable[[], Awaitable[object]]
"""Asks one system; raises (or never returns) when it is not there."""


class Readiness(CustomModel):
    status: Literal["ready"] = "ready"
    checks: dict[str, Literal["ok"]]


def database(engine: AsyncEngine) -> Probe:
    """``SELECT 1`` on a connection from the engine's pool (a new one if the pool has none)."""

    async def select_one() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    return select_one


def redis(url: str) -> Probe:
    """``PING`` on a connection of its own, its socket bounded as the whole probe is."""

    async def ping() -> None:
        from redis.asyncio import Redis  # the prod extra: only a deployment with Redis asks

        client = Redis.from_url(
            url, socket_connect_timeout=READY_TIMEOUT_SECONDS, socket_timeout=READY_TIMEOUT_SECONDS
        )
        try:
            await client.ping()
        finally:
            await client.aclose()

    return ping


async def check(probes: Mapping[str, Probe], *, within: float = READY_TIMEOUT_SECONDS) -> Readiness:
    """Ask every system at once, each for at most ``within`` seconds; 503 ``NOT_READY``
    naming every one that failed or did not answer in time."""
    outcomes = await asyncio.gather(*(_ask(probe, within) for probe in probes.values()))
    down = [f"{name}: {why}" for name, why in zip(probes, outcomes, strict=True) if why]
    if down:
        raise NotReady("Not ready: " + "; ".join(down))
    return Readiness(checks=dict.fromkeys(probes, "ok"))


async def _ask(probe: Probe, within: float) -> str | None:
    """``None`` if the probe answered in time; otherwise what went wrong, in a few words."""
    try:
        async with asyncio.timeout(within):
            await probe()
    except TimeoutError:
        return f"no answer within {within:g} s"
    except Exception as exc:  # a driver's error, whatever its class: the system is down
        return type(exc).__name__
    return None
