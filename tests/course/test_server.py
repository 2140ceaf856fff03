import asyncio
import logging
import warnings

import httpx
from fastapi import BackgroundTasks, FastAPI

from course.labs import n15_leaks as leaks
from course.server import RecordResponseSent, captured_logs, serve, serve_logged, where


def _app(events: list[str]) -> FastAPI:
    app = FastAPI()
    app.add_middleware(RecordResponseSent, events=events)

    async def slow() -> None:
        events.append(f"task in {where()}")
        await asyncio.sleep(5)

    @app.post("/slow", status_code=202)
    async def start_slow(background_tasks: BackgroundTasks) -> dict[str, str]:
        background_tasks.add_task(slow)
        return {"status": "queued"}

    return app


async def test_serve_yields_a_base_url_that_answers() -> None:
    async with serve(_app([])) as base_url, httpx.AsyncClient(base_url=base_url) as client:
        assert (await client.get("/openapi.json")).status_code == 200


async def test_serve_logged_cancels_a_running_task_after_the_grace_and_captures_the_log() -> None:
    events: list[str] = []
    async with serve_logged(_app(events), grace=0.05) as server:
        async with httpx.AsyncClient(base_url=server.base_url) as client:
            assert (await client.post("/slow")).status_code == 202
        for _ in range(100):
            if len(events) == 2:
                break
            await asyncio.sleep(0.01)
    assert events[0] == "server: response sent" and events[1].startswith("task in ")
    assert any("Cancel 1 running task(s)" in line for line in server.logs)


def test_captured_logs_keep_records_off_stderr_and_restore_propagation() -> None:
    logger = logging.getLogger("playground.test.captured")
    with captured_logs(logger.name) as messages:
        logger.warning("first line\nsecond line")
        assert logger.propagate is False
    assert messages == ["playground.test.captured: first line"]
    assert logger.propagate is True and logger.handlers == []


def test_collected_at_exit_records_the_warning_of_a_finalizer() -> None:
    class Leaky:
        def __init__(self) -> None:
            self.cycle = self

        def __del__(self) -> None:
            warnings.warn(
                "cleaned up by the collector.  Close it yourself", ResourceWarning, stacklevel=1
            )

    with leaks.collected_at_exit() as collected:
        Leaky()
        assert collected.warnings == []
    assert collected.warnings == ["ResourceWarning: cleaned up by the collector"]
