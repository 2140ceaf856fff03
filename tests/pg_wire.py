"""What a client sends PostgreSQL, counted on the wire: a relay between the two that reads the
protocol's message types and forwards every byte unchanged (`make bench`).

A round trip is a wait for the server's ``ReadyForQuery`` (``Z``): one per simple query
(``Q``: ``BEGIN``, ``ROLLBACK``, ...) and one per extended-protocol ``Sync`` (a prepare, or a
bind-and-execute of a prepared statement). Counting bytes between the two ends sees what the
driver does, which no SQLAlchemy event reports (``BEGIN`` and ``ROLLBACK`` are no statements
to it; a prepare is not either). A connection that switches to TLS is counted as opened, and
nothing after that.
"""

import asyncio
import contextlib
import struct
import threading
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field

from sqlalchemy import make_url

# The untyped first messages a client may send (PostgreSQL protocol, "Message Formats").
SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104
CANCEL_REQUEST = 80877102
PROTOCOL_3 = 196608  # a StartupMessage: protocol version 3.0


@dataclass
class Wire:
    """Counts over every connection relayed since the last ``reset``."""

    connections: int = 0
    client: Counter[str] = field(default_factory=Counter)  # frontend message types
    server: Counter[str] = field(default_factory=Counter)  # backend message types
    simple_queries: Counter[str] = field(default_factory=Counter)  # the text of each ``Q``

    def reset(self) -> None:
        self.connections = 0
        self.client.clear()
        self.server.clear()
        self.simple_queries.clear()

    @property
    def round_trips(self) -> int:
        return self.server["Z"]


@dataclass
class _Stream:
    """One direction of one connection: bytes not yet parsed into whole messages."""

    buffer: bytearray = field(default_factory=bytearray)
    typed: bool = False  # the client's first messages (startup, SSL request) have no type byte
    encrypted: bool = False


@dataclass
class _Connection:
    client: _Stream = field(default_factory=_Stream)
    server: _Stream = field(default_factory=lambda: _Stream(typed=True))
    ssl_answers_due: int = 0  # the server answers an SSL/GSS request with one bare byte


def parse_client(connection: _Connection, data: bytes, wire: Wire) -> None:
    """Count the whole frontend messages in ``data`` (and what an earlier call left)."""
    counts = wire.client
    stream = connection.client
    if stream.encrypted:
        return
    stream.buffer += data
    while True:
        if not stream.typed:
            if len(stream.buffer) < 8:
                return
            length, code = struct.unpack("!ii", stream.buffer[:8])
            if len(stream.buffer) < length:
                return
            del stream.buffer[:length]
            if code in {SSL_REQUEST, GSSENC_REQUEST}:
                connection.ssl_answers_due += 1
                counts["ssl request"] += 1
            else:
                stream.typed = code != CANCEL_REQUEST
                counts["startup"] += 1
            continue
        if len(stream.buffer) < 5:
            return
        kind, length = chr(stream.buffer[0]), struct.unpack("!i", stream.buffer[1:5])[0]
        if len(stream.buffer) < 1 + length:
            return
        if kind == "Q":  # a simple query: its text, NUL-terminated
            wire.simple_queries[bytes(stream.buffer[5:length]).decode().strip("; ")] += 1
        del stream.buffer[: 1 + length]
        counts[kind] += 1


def parse_server(connection: _Connection, data: bytes, wire: Wire) -> None:
    """Count the whole backend messages in ``data``; ``S`` to an SSL request ends the count."""
    counts = wire.server
    stream = connection.server
    if stream.encrypted:
        return
    stream.buffer += data
    while stream.buffer:
        if connection.ssl_answers_due:
            answer = chr(stream.buffer[0])
            del stream.buffer[:1]
            connection.ssl_answers_due -= 1
            counts[f"ssl answer {answer}"] += 1
            if answer in {"S", "G"}:  # TLS (or GSS) from here on: opaque
                connection.client.encrypted = stream.encrypted = True
                return
            continue
        if len(stream.buffer) < 5:
            return
        kind, length = chr(stream.buffer[0]), struct.unpack("!i", stream.buffer[1:5])[0]
        if len(stream.buffer) < 1 + length:
            return
        del stream.buffer[: 1 + length]
        counts[kind] += 1


async def _pump(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    parse: "_Parse",
) -> None:
    try:
        while data := await reader.read(65536):
            parse(data)  # before forwarding: the answer cannot arrive before its request counts
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


class _Parse:
    def __init__(self, connection: _Connection, wire: Wire, *, client: bool) -> None:
        self.connection, self.wire, self.client = connection, wire, client

    def __call__(self, data: bytes) -> None:
        (parse_client if self.client else parse_server)(self.connection, data, self.wire)


@asynccontextmanager
async def relay(database_url: str) -> AsyncIterator[tuple[str, Wire]]:
    """A counting relay to the server of ``database_url``: (the URL through it, its counts)."""
    url = make_url(database_url)
    host, port = url.host or "127.0.0.1", url.port or 5432
    wire = Wire()
    tasks: set[asyncio.Task[None]] = set()

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        wire.connections += 1
        upstream_reader, upstream_writer = await asyncio.open_connection(host, port)
        connection = _Connection()
        await asyncio.gather(
            _pump(reader, upstream_writer, _Parse(connection, wire, client=True)),
            _pump(upstream_reader, writer, _Parse(connection, wire, client=False)),
        )

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        tasks.add(task)
        try:
            await accept(reader, writer)
        finally:
            tasks.discard(task)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    relay_port = server.sockets[0].getsockname()[1]
    try:
        yield url.set(host="127.0.0.1", port=relay_port).render_as_string(False), wire
    finally:
        server.close()
        for task in list(tasks):
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()


@contextmanager
def relay_in_thread(database_url: str) -> Iterator[tuple[str, Wire]]:
    """:func:`relay` on an event loop of its own, for a server in another process."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="pg-wire-relay", daemon=True)
    thread.start()
    context = relay(database_url)
    try:
        opened = asyncio.run_coroutine_threadsafe(context.__aenter__(), loop).result(timeout=10)
        try:
            yield opened
        finally:
            closing = context.__aexit__(None, None, None)
            asyncio.run_coroutine_threadsafe(closing, loop).result(timeout=10)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
