"""Notebook 25's graceful shutdown: a SIGTERM to the supervisor while a request is in flight
(its body sent in two parts), a request on a new connection while the workers shut down and one
after the supervisor exited, and the order of it all in the serving worker's log."""

import asyncio
import re
import signal
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import httpx

from course.labs.n25_clients import nobody, pinned, reached_the_app
from course.labs.n25_workers import GRACE_SECONDS, RUNNING, Line, Workers, start
from course.sandbox import DEFAULT_PASSWORD


@dataclass(frozen=True)
class Shutdown:
    """A SIGTERM to the supervisor while a request was in flight, and what followed."""

    server: Workers
    in_flight: httpx.Response  # the request that had reached the app when the signal came
    began_before: bool  # its worker logged "Shutting down" after the request reached the app
    finished_after: bool  # ... and completed the request after that line
    newcomer: str  # a request on a new connection while the workers were shutting down
    after_exit: str  # one more, once the supervisor had exited
    exit_code: int


class _Held:
    """A request body sent in two parts: the second once ``release()`` is called (a client
    that uploads slowly; its request is in flight, the route waiting for the rest)."""

    def __init__(self, body: bytes) -> None:
        self.first, self.rest = body[: len(body) // 2], body[len(body) // 2 :]
        self.released = asyncio.Event()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.first
        await self.released.wait()
        yield self.rest

    def release(self) -> None:
        self.released.set()


@dataclass
class _Knock:
    """A raw ``GET /health`` sent on a new TCP connection; ``outcome()`` reads what came back."""

    reader: asyncio.StreamReader | None
    writer: asyncio.StreamWriter | None

    async def outcome(self) -> str:
        if self.reader is None or self.writer is None:
            return "refused: nothing listens on the port"
        try:
            answer = await asyncio.wait_for(self.reader.read(), timeout=30)
        except ConnectionResetError:
            answer = b""
        finally:
            self.writer.close()
        if answer:
            return "answered: " + answer.split(b"\r\n", 1)[0].decode()
        return "connected, then closed unanswered"


async def _knock(server: Workers) -> _Knock:
    host, port = server.base_url.removeprefix("http://").split(":")
    try:
        reader, writer = await asyncio.open_connection(host, int(port))
    except ConnectionRefusedError:
        return _Knock(None, None)
    writer.write(f"GET /health HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    await writer.drain()
    return _Knock(reader, writer)


async def _until(done: Callable[[], bool], within: float = 30.0) -> None:
    """Poll ``done`` until it is true; a ``RuntimeError`` after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not done():
        if time.monotonic() > deadline:
            raise RuntimeError("the server never got there (see its server.log)")
        await asyncio.sleep(0.01)


async def shutdown_with_a_request_in_flight(server: Workers) -> Shutdown:
    """A login whose form is sent in two parts; once it has reached the app, SIGTERM to the
    supervisor; once every worker logged ``Shutting down``, a request on a new connection;
    then the rest of the form. A server stopped already (the cell run again) is first started
    anew on the same database."""
    if not server.running:
        server = start(server.database, workers=server.workers)
        await server.started()
    username = nobody()
    async with pinned(server) as client:
        registered = await client.post(
            "/auth/users",
            json={
                "username": username,
                "email": f"{username}@example.com",
                "password": DEFAULT_PASSWORD,
                "first_name": "Slow",
            },
        )
        registered.raise_for_status()
        body = _Held(f"username={username}&password={DEFAULT_PASSWORD}".encode())
        since = len(server.lines())
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        login = asyncio.create_task(client.post("/auth/token", content=body, headers=form))
        reached = await reached_the_app(server, "/auth/token", since)
        server.process.send_signal(signal.SIGTERM)
        await _until(lambda: len(server.said_by_each("^Shutting down$")) == server.workers)
        newcomer = await _knock(server)  # the supervisor still holds the socket: it connects
        body.release()
        answer = await login
    exit_code = await asyncio.to_thread(server.process.wait, GRACE_SECONDS + 15)
    RUNNING[:] = [running for running in RUNNING if running is not server]
    return Shutdown(
        server=server,
        in_flight=answer,
        **_order(server, reached),
        newcomer=await newcomer.outcome(),
        after_exit=await (await _knock(server)).outcome(),
        exit_code=exit_code,
    )


def _order(server: Workers, reached: Line) -> dict[str, bool]:
    """From the log of the worker that served the request: did it begin shutting down after
    the request reached the app, and complete the request after that?"""
    asgi = re.search(r"ASGI \[(\d+)\]", reached.message)
    own = [line.message for line in server.lines() if line.pid == reached.pid]
    started, shutting, completed = (
        next(n for n, message in enumerate(own) if re.search(pattern, message))
        for pattern in (
            rf"ASGI \[{asgi[1] if asgi else ''}\] Started scope",
            "^Shutting down$",
            rf"ASGI \[{asgi[1] if asgi else ''}\] Completed",
        )
    )
    return {"began_before": started < shutting, "finished_after": shutting < completed}
