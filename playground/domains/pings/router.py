"""The same wait written three ways: blocking in ``async def``, in ``def``, and awaited."""

import asyncio
import time

from fastapi import APIRouter

from playground.config import SettingsDep
from playground.domains.pings.schemas import Pong
from playground.routing import PlaygroundRoute

router = APIRouter(prefix="/pings", tags=["pings"], route_class=PlaygroundRoute)


@router.get("/terrible", summary="Blocks")
async def terrible_ping(settings: SettingsDep) -> Pong:
    """Blocking I/O inside ``async def``: the event loop stops for everyone."""
    time.sleep(settings.PING_DELAY_SECONDS)  # noqa: ASYNC251 - the anti-pattern on purpose
    return Pong(route="terrible")


@router.get("/good", summary="Threads")
def good_ping(settings: SettingsDep) -> Pong:
    """Blocking I/O in a plain ``def``: FastAPI runs it in the thread pool."""
    time.sleep(settings.PING_DELAY_SECONDS)
    return Pong(route="good")


@router.get("/perfect", summary="Awaits")
async def perfect_ping(settings: SettingsDep) -> Pong:
    """Non-blocking I/O awaited in ``async def``: the loop serves others meanwhile."""
    await asyncio.sleep(settings.PING_DELAY_SECONDS)
    return Pong(route="perfect")
