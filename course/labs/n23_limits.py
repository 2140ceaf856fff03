"""Notebook 23's plumbing: hostile bodies, a streamed body that counts what the app read, an
Argon2 overlap counter, and the route table's lists. The rows each SELECT returns, and a query's
outline, are in ``n23_sql``."""

import ast
import asyncio
import inspect
import json
import threading
import typing
from collections.abc import AsyncIterator, Iterator, Sequence
from collections.abc import Set as AbstractSet
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

import annotated_types
import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from course.sandbox import DEFAULT_PASSWORD, Playground
from playground.auth.utils import PasswordHasher
from playground.pagination import Page

if TYPE_CHECKING:
    from IPython.display import Markdown

JSON = {"Content-Type": "application/json"}


def registration(**raw: str) -> bytes:
    """A registration body, valid but for the fields in ``raw``, written as raw JSON text
    (``age="NaN"``: a token ``json.dumps`` would never write, and Python's parser takes)."""
    fields = {
        "username": "nan",
        "email": "nan@example.com",
        "password": DEFAULT_PASSWORD,
        "first_name": "Nan",
    }
    written = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in fields.items() if k not in raw]
    written += [f"{json.dumps(k)}: {v}" for k, v in raw.items()]
    return ("{" + ", ".join(written) + "}").encode()


async def post_raw(client: httpx.AsyncClient, path: str, body: bytes) -> httpx.Response:
    """``POST`` these bytes as JSON."""
    return await client.post(path, content=body, headers=JSON)


# ------------------------------------------------------------------------------ the body limit


@dataclass
class Streamed:
    """A request body of ``chunks`` chunks of ``size`` bytes, made as the app reads it: ``read``
    counts the chunks the app asked for."""

    chunks: int
    size: int = 64 * 1024
    read: int = 0

    @property
    def total(self) -> int:
        return self.chunks * self.size

    async def __aiter__(self) -> AsyncIterator[bytes]:
        chunk = b" " * self.size  # JSON whitespace: what a huge JSON body starts with, too
        for _ in range(self.chunks):
            self.read += 1
            yield chunk


async def send_streamed(
    client: httpx.AsyncClient, path: str, body: Streamed, *, declare: bool
) -> httpx.Response:
    """``POST`` a streamed body; with ``declare``, its ``Content-Length`` up front (otherwise
    it goes chunked, its length unknown until the end)."""
    headers = {**JSON, **({"Content-Length": str(body.total)} if declare else {})}
    return await client.post(path, content=body, headers=headers)


# ------------------------------------------------------------------------------------- logins


async def log_in(pg: Playground, username: str, password: str) -> httpx.Response:
    """``POST /auth/token`` with this username and password."""
    return await pg.client.post("/auth/token", data={"username": username, "password": password})


@dataclass
class Overlap:
    peak: int = 0  # the most Argon2 computations under way at once
    computed: int = 0
    running: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


@asynccontextmanager
async def argon2_overlap(hasher: PasswordHasher, *, logins: int) -> AsyncIterator[Overlap]:
    """Count the Argon2 verifications of ``hasher`` under way at once while ``logins`` logins
    arrive together. Each one, in its worker thread, first waits until every login has
    either started its own or is waiting for a turn (a token of the hasher's limiter): so
    whatever the limiter lets run at once is under way at once, however slow the machine,
    and the count does not hang on timing (test hashing alone ends too fast to meet another).
    """
    argon2, verify = hasher._argon2, hasher._argon2.verify
    limiter = hasher._limiter()  # this event loop's
    overlap, everyone_placed = Overlap(), threading.Event()

    def counted(password: str, password_hash: str) -> bool:
        with overlap.lock:
            overlap.running += 1
            overlap.peak = max(overlap.peak, overlap.running)
        try:
            everyone_placed.wait(timeout=10)  # the timeout only guards a login that never comes
            return bool(verify(password, password_hash))
        finally:
            with overlap.lock:
                overlap.running -= 1
                overlap.computed += 1

    async def watch() -> None:
        while True:
            waiting = limiter.statistics().tasks_waiting
            with overlap.lock:
                placed = overlap.running + overlap.computed + waiting
            if placed >= logins:
                everyone_placed.set()
                return
            await asyncio.sleep(0.001)

    argon2.verify = counted  # type: ignore[method-assign,assignment]
    watcher = asyncio.create_task(watch())
    try:
        yield overlap
    finally:
        everyone_placed.set()
        watcher.cancel()
        del argon2.verify  # the class's method again


# ------------------------------------------------------------------------------ the route table


def _api_routes(app: FastAPI) -> list[tuple[str, APIRoute]]:
    return [
        (context.path or "", context.route)
        for context in iter_route_contexts(app.routes)
        if isinstance(context.route, APIRoute)
    ]


def bare_lists(app: FastAPI) -> list[str]:
    """``METHOD /path`` of every route whose response model is a list, set or tuple."""
    found = []
    for path, route in _api_routes(app):
        model = route.response_model
        origin = typing.get_origin(model) or model
        if (
            isinstance(origin, type)
            and issubclass(origin, Sequence | AbstractSet)
            and origin not in {str, bytes}
        ):
            found.append(f"{','.join(sorted(route.methods or ()))} {path}")
    return found


def body_routes(app: FastAPI) -> dict[str, str]:
    """``METHOD /path`` of every route that reads a request body, with its route class."""
    return {
        f"{','.join(sorted(route.methods or ()))} {path}": type(route).__name__
        for path, route in _api_routes(app)
        if route.body_field is not None
    }


def _query_params(dependant: Any) -> Iterator[Any]:
    """The query parameters of a route's dependency graph (FastAPI's ``Dependant``)."""
    yield from dependant.query_params
    for sub in dependant.dependencies:
        yield from _query_params(sub)


def pages(app: FastAPI) -> dict[str, int | None]:
    """``METHOD /path`` of every route that answers a ``Page``, with the largest ``limit`` its
    query accepts (``None``: no maximum)."""
    found: dict[str, int | None] = {}
    for path, route in _api_routes(app):
        model = route.response_model
        if not (isinstance(model, type) and issubclass(model, Page)):
            continue
        limits = [param for param in _query_params(route.dependant) if param.name == "limit"]
        bounds = limits[0].field_info.metadata if limits else []
        maximums: list[Any] = [b.le for b in bounds if isinstance(b, annotated_types.Le)]
        found[f"{','.join(sorted(route.methods or ()))} {path}"] = maximums[0] if maximums else None
    return found


# ------------------------------------------------------------------------------- listings


def definition(module: ModuleType, name: str) -> "Markdown":
    """Like ``course.show_source``, for a name a module binds by assignment (a type alias such
    as ``Text``): the comment above it, the assignment, and the docstring under it."""
    from IPython.display import Markdown  # only notebooks need IPython

    lines = inspect.getsource(module).splitlines()
    tree = ast.parse("\n".join(lines))
    binds = [
        at
        for at, node in enumerate(tree.body)
        if isinstance(node, ast.Assign)
        and any(isinstance(target, ast.Name) and target.id == name for target in node.targets)
    ]
    if not binds:
        raise LookupError(f"{module.__name__} assigns no {name}")
    node = tree.body[binds[0]]
    after = tree.body[binds[0] + 1] if binds[0] + 1 < len(tree.body) else None
    start, end = node.lineno - 1, node.end_lineno or node.lineno
    while start > 0 and lines[start - 1].startswith("#"):
        start -= 1
    if isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
        end = after.end_lineno or end
    block = "\n".join(lines[start:end])
    return Markdown(f"```python\n# {module.__name__}, line {start + 1}\n{block}\n```")  # type: ignore[no-untyped-call]
