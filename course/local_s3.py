"""A local S3-compatible server for the course and the tests: moto's server mode on 127.0.0.1.

Real protocol, no internet: the app's aiobotocore client, boto3 and plain HTTP (presigned URLs)
all talk to it over loopback. One server per process, started on first use; each playground
gets its own bucket.
"""

import asyncio
import atexit
import logging
import socket
import threading
import urllib.request
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # moto takes 0.8 s to import: only a playground that starts S3 pays it
    from moto.server import ThreadedMotoServer


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LocalS3:
    """A moto server on a free loopback port; ``stop()`` and ``start()`` to stage an outage."""

    def __init__(self) -> None:
        self.port = _free_port()
        self._server: ThreadedMotoServer | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> None:
        if self._server is None:
            from moto.server import ThreadedMotoServer

            logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log on stderr
            self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
            self._server.start()
            # The first S3 request loads moto's backend; pay for it here, not in a lesson.
            urllib.request.urlopen(self.endpoint_url, timeout=30).close()

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None


# Port 1 (tcpmux) on loopback: nothing listens there, so a connection is refused at once.
NOWHERE = "http://127.0.0.1:1"


_lock = threading.Lock()
_shared: LocalS3 | None = None


def shared() -> LocalS3:
    """This process's local S3 server, started on first use and stopped at exit."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = LocalS3()
            _shared.start()
            atexit.register(_shared.stop)
        return _shared


class DelayingProxy:
    """A TCP proxy on loopback that holds every answer from upstream for ``delay`` seconds.

    Put between the app and S3, it makes S3 slow without touching either: what a slow
    dependency does to everyone else can then be measured.
    """

    def __init__(self, *, upstream_port: int, delay: float) -> None:
        self.upstream_port = upstream_port
        self.delay = delay
        self._server: asyncio.Server | None = None
        self._relays: set[asyncio.Task[None]] = set()  # one per connection
        self._writers: set[asyncio.StreamWriter] = set()  # every socket still open, both sides

    @property
    def endpoint_url(self) -> str:
        assert self._server is not None, "start() first"
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)

    async def stop(self) -> None:
        """Stop listening and end the connections still open (an answer still held, too), so
        no socket outlives the loop that runs them."""
        if self._server is not None:
            self._server.close()
            for relay in list(self._relays):
                relay.cancel()
            await asyncio.gather(*self._relays, return_exceptions=True)
            writers = list(self._writers)  # a relay cancelled before it ran closed nothing
            for writer in writers:
                writer.close()
            await asyncio.gather(*(w.wait_closed() for w in writers), return_exceptions=True)
            self._writers.clear()
            await self._server.wait_closed()
            self._server = None

    def _accept(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        """A new connection (a plain callback: its socket is registered before anything can
        cancel the relay, which runs as a task of its own)."""
        self._writers.add(client_w)
        relay = asyncio.ensure_future(self._relay(client_r, client_w))
        self._relays.add(relay)
        relay.add_done_callback(self._relays.discard)

    async def _relay(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            upstream_r, upstream_w = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except BaseException:  # upstream down, or the proxy stopping: end this connection too
            client_w.close()
            self._writers.discard(client_w)
            raise
        self._writers.add(upstream_w)
        asked = asyncio.Event()  # a request went up since the last answer came down

        async def up() -> None:
            while chunk := await client_r.read(65536):
                asked.set()
                upstream_w.write(chunk)
                await upstream_w.drain()

        async def down() -> None:
            while chunk := await upstream_r.read(65536):
                if asked.is_set():  # the first bytes of an answer: hold them
                    asked.clear()
                    await asyncio.sleep(self.delay)
                client_w.write(chunk)
                await client_w.drain()

        tasks = [asyncio.create_task(up()), asyncio.create_task(down())]
        try:  # either side closing ends the connection
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            client_w.close()
            upstream_w.close()
            self._writers.difference_update((client_w, upstream_w))
            await asyncio.gather(
                client_w.wait_closed(), upstream_w.wait_closed(), return_exceptions=True
            )
