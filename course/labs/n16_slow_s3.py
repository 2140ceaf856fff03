"""A slow S3 for notebook 16: the local S3 behind a delaying proxy on a loop and thread of its own.

A route that blocks the app's loop must not block the slow S3 it is waiting for too (it would
wait forever).
"""

import asyncio
import atexit
import threading

from course import local_s3 as s3

_slow: dict[float, "SlowS3"] = {}
_slow_lock = threading.Lock()


class SlowS3:
    """``s3.DelayingProxy`` on its own event loop in a daemon thread: usable from any loop."""

    def __init__(self, *, upstream_port: int, delay: float) -> None:
        self.delay = delay
        self._proxy = s3.DelayingProxy(upstream_port=upstream_port, delay=delay)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint_url(self) -> str:
        return self._proxy.endpoint_url

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        if self._thread is not None:
            return
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.run_until_complete(self._proxy.start())
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._shutdown())
            loop.close()

        self._loop, self._thread = loop, threading.Thread(target=run, name="slow-s3", daemon=True)
        self._thread.start()
        ready.wait(10)

    async def _shutdown(self) -> None:
        """Stop listening, then end the connections still open (each closes its sockets)."""
        await self._proxy.stop()
        await asyncio.sleep(0)  # connections just accepted: their handlers start (and can end)
        handlers = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)

    def stop(self) -> None:
        if self._thread is not None and self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._thread = self._loop = None


def slow_s3(delay: float) -> SlowS3:
    """This process's local S3 behind a proxy that holds every answer ``delay`` seconds.

    One per delay, started on first use and stopped at exit: a cell that asks again gets it.
    """
    with _slow_lock:
        if delay not in _slow:
            proxy = SlowS3(upstream_port=s3.shared().port, delay=delay)
            proxy.start()
            atexit.register(proxy.stop)
            _slow[delay] = proxy
        return _slow[delay]
