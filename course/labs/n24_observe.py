"""Notebook 24's plumbing: log records caught as the app's JSON lines (or as plain text lines),
the spans of an in-memory exporter, samples of a Prometheus scrape, a request counter labelled
by any function of the request, and a small shop that logs with f-strings."""

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI, Request
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import CollectorRegistry, Counter, generate_latest
from prometheus_client.parser import text_string_to_metric_families
from starlette.types import ASGIApp, Receive, Scope, Send

from playground import observability

SQL_LOGGER = "sqlalchemy.engine.Engine"  # SQLAlchemy logs each statement here at INFO
JSON_FORMAT = "%(levelname)s %(name)s %(message)s"  # logging.ini's fields
PLAIN_FORMAT = "%(levelname)s %(name)s: %(message)s"  # logging.basicConfig's, without the time
SHOP_LOGGER = "course.labs.n24_shop"

# ------------------------------------------------------------------------------------- logs


class _Keep(logging.Handler):
    def __init__(self, keep: Callable[[str], None], formatter: logging.Formatter) -> None:
        super().__init__()
        self.keep = keep
        self.setFormatter(formatter)

    def emit(self, record: logging.LogRecord) -> None:
        self.keep(self.format(record))


@contextmanager
def _caught(handler: logging.Handler, names: tuple[str, ...]) -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in names]
    saved = [(logger.level, logger.propagate) for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False  # off stderr
    try:
        yield
    finally:
        for logger, (level, propagate) in zip(loggers, saved, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)
            logger.propagate = propagate


@contextmanager
def json_lines(*names: str) -> Iterator[list[dict[str, Any]]]:
    """These loggers' records as the app writes them (``observability.JsonFormatter``, the
    fields of ``logging.ini``), each line parsed back into a dict."""
    lines: list[dict[str, Any]] = []
    formatter = observability.JsonFormatter(JSON_FORMAT)
    with _caught(_Keep(lambda line: lines.append(json.loads(line)), formatter), names):
        yield lines


@contextmanager
def plain_lines(*names: str) -> Iterator[list[str]]:
    """These loggers' records as plain text lines, the way ``logging.basicConfig`` writes them."""
    lines: list[str] = []
    with _caught(_Keep(lines.append, logging.Formatter(PLAIN_FORMAT)), names):
        yield lines


def brief(line: dict[str, Any]) -> str:
    """A JSON line in a few words: its logger's last name and the start of its message (SQL
    statements by their first word; a statement's parameters as ``[params]``)."""
    message = " ".join(str(line["message"]).split())
    if line["name"] == SQL_LOGGER:
        message = "[params]" if message.startswith("[") else message.split()[0]
    else:
        message = message[:60]
    return f"{line['name'].rsplit('.', 1)[-1]:<8} {message}"


# ----------------------------------------------------------------------------------- traces


def exporter(provider: TracerProvider) -> InMemorySpanExporter:
    """An in-memory exporter on this provider, emptied; added once (a provider cannot lose a
    processor), so a cell that runs again finds the same one."""
    found: InMemorySpanExporter | None = getattr(provider, "_lesson_exporter", None)
    if found is None:
        found = InMemorySpanExporter()
        provider.add_span_processor(SimpleSpanProcessor(found))
        provider._lesson_exporter = found  # type: ignore[attr-defined]
    found.clear()
    return found


def statement(span: ReadableSpan) -> str:
    """An SQL span's statement, on one line; "" for other spans."""
    return " ".join(str((span.attributes or {}).get("db.statement", "")).split())


def in_order(spans: tuple[ReadableSpan, ...]) -> list[ReadableSpan]:
    return sorted(spans, key=lambda span: span.start_time or 0)


# ---------------------------------------------------------------------------------- metrics


def samples(text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    """The samples called ``name`` in a Prometheus scrape, by their sorted labels."""
    return {
        tuple(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    }


def counts(text: str, name: str, **labels: str) -> dict[str, float]:
    """``name``'s samples whose labels include ``labels``, keyed by their other labels."""
    wanted = set(labels.items())
    return {
        ",".join(f"{k}={v}" for k, v in key if (k, v) not in wanted): value
        for key, value in samples(text, name).items()
        if wanted <= set(key)
    }


@dataclass
class LabelCounter:
    """Wraps an ASGI app and counts its requests in a Prometheus counter of its own, labelled
    by ``label(request)`` after the answer (when routing has put the route in the scope).
    What ``label`` raises is kept in ``errors``; the request is answered anyway."""

    app: ASGIApp
    label: Callable[[Request], str]
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    errors: list[Exception] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.counter = Counter(
            "lesson_requests", "Requests by label", ["route"], registry=self.registry
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)
        if scope["type"] == "http":
            try:
                value = self.label(Request(scope))
            except Exception as exc:  # the label function's bug: counted, not a crash
                self.errors.append(exc)
                return
            self.counter.labels(route=str(value)).inc()

    def series(self) -> dict[str, float]:
        """Each label value and its count."""
        text = generate_latest(self.registry).decode()
        return {
            dict(key)["route"]: value
            for key, value in samples(text, "lesson_requests_total").items()
        }


@asynccontextmanager
async def client(
    app: ASGIApp, base_url: str = "http://lab.test"
) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process client on any ASGI app (errors become 500s)."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=base_url) as lab:
        yield lab


# ------------------------------------------------------------------------- f-string logging

shop_logger = logging.getLogger(SHOP_LOGGER)


async def pay_fstring(order_id: int) -> dict[str, str]:
    """Logs the way many apps do: an f-string per line, and a line that names nothing."""
    shop_logger.info(f"paying order {order_id}")  # the anti-pattern: one message per order
    await asyncio.sleep(0)  # the other requests run in between, as under load
    shop_logger.warning("card declined")
    return {"status": "declined"}


async def pay_structured(order_id: int) -> dict[str, str]:
    """The same lines, one message each and the order id as a field of its own."""
    shop_logger.info("paying order", extra={"order_id": order_id})
    await asyncio.sleep(0)
    shop_logger.warning("card declined", extra={"order_id": order_id})
    return {"status": "declined"}


def shop() -> ASGIApp:
    """A small app with both routes, behind the playground's ``RequestIdMiddleware``."""
    app = FastAPI()
    app.get("/fstring/orders/{order_id}")(pay_fstring)
    app.get("/structured/orders/{order_id}")(pay_structured)
    return observability.RequestIdMiddleware(app)


async def orders(lab: httpx.AsyncClient, how: str, ids: list[int]) -> list[httpx.Response]:
    """One request per order id, all at once."""
    return list(await asyncio.gather(*(lab.get(f"/{how}/orders/{n}") for n in ids)))
