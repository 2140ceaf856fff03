"""What a running app tells its operators: JSON log lines that carry the request id, Prometheus
metrics at ``/metrics``, and OpenTelemetry traces of each request and its SQL.

The request id comes in as ``X-Request-ID`` (kept when it is short and plain) or is made here;
it goes back in the response's header and sits in a ``ContextVar``, so every log line the
request causes carries it: the route's, a background task's (same task, same context), a
thread's (Starlette copies the context into its thread pool), and a queued task's in the worker
(the id travels with the task; the worker binds it while the task runs).
"""

import logging
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from fastapi import FastAPI, Response
from opentelemetry import metrics as otel_metrics
from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
from opentelemetry.instrumentation.sqlalchemy.version import __version__ as sqlalchemy_otel
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from prometheus_fastapi_instrumentator import Instrumentator
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.background import BackgroundTask
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
# What an incoming id may be: up to 64 letters, digits and . _ : - (a UUID, a trace id, a load
# balancer's id). Anything else (too long, spaces, control characters) gets a new id instead.
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
# Not traced: the scrape and the liveness probe, which a deployment calls every few seconds.
UNTRACED_PATHS = ("/metrics", "/health")

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def accepted_request_id(incoming: str | None) -> str:
    """The caller's request id when it is safe to log and echo, else a new one."""
    if incoming is not None and _SAFE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


@contextmanager
def bound_request_id(value: str | None) -> Iterator[None]:
    """Log this request id for the block (a queued task, in the worker that runs it)."""
    token = request_id.set(value)
    try:
        yield
    finally:
        request_id.reset(token)


class RequestIdMiddleware:
    """The request id for the whole exchange, the 500 handler and background tasks included;
    it answers in the ``X-Request-ID`` header of every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        value = accepted_request_id(Headers(scope=scope).get(REQUEST_ID_HEADER))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = value
            await send(message)

        with bound_request_id(value):
            await self.app(scope, receive, send_with_id)


class JsonFormatter(_JsonFormatter):
    """python-json-logger's formatter; each line also says which request (and trace) it is of."""

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        log_data.setdefault("request_id", request_id.get())
        span = trace.get_current_span().get_span_context()
        if span.is_valid:
            log_data["trace_id"] = trace.format_trace_id(span.trace_id)


def scraped(registry: CollectorRegistry) -> bytes:
    """The registry in Prometheus' text format; with ``PROMETHEUS_MULTIPROC_DIR`` set (several
    worker processes), every process's counts from that folder instead."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return generate_latest(registry)


def add_metrics(app: FastAPI) -> CollectorRegistry:
    """Count and time every request by route template (``/users/{user_id}/email``, not one
    label per id) and serve them at ``/metrics``; one registry per app."""
    registry = CollectorRegistry()
    Instrumentator(registry=registry, excluded_handlers=["/metrics"]).instrument(app)

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:  # a def: rendering the registry is CPU work, off the loop
        """The counters, for Prometheus to scrape."""
        return Response(scraped(registry), media_type=CONTENT_TYPE_LATEST)

    return registry


def tracer_provider(*, service: str, version: str, otlp_endpoint: str | None) -> TracerProvider:
    """A provider of this app's own; spans go nowhere unless an OTLP endpoint is set."""
    provider = TracerProvider(
        resource=Resource.create({"service.name": service, "service.version": version}),
        shutdown_on_exit=False,  # the app's lifespan shuts it down (an atexit hook per app leaks)
    )
    if otlp_endpoint is not None:
        # the prod extra's exporter, imported only when asked for
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=otlp_endpoint)))
    return provider


def add_tracing(app: FastAPI, engine: AsyncEngine, provider: TracerProvider) -> None:
    """A span per request (route template as its name) with a child span per SQL statement."""
    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=provider,
        meter_provider=otel_metrics.NoOpMeterProvider(),
        excluded_urls=",".join(UNTRACED_PATHS),
        exclude_spans=["receive", "send"],
    )
    # The instrumentation also patches Starlette's BackgroundTask, process-wide, with the
    # tracer of the first app it saw: every other app's background spans would go there. A
    # background task runs inside the request's span anyway (its SQL spans are children of it).
    original = getattr(BackgroundTask, "_otel_original_call", None)
    if original is not None:
        BackgroundTask.__call__ = original  # type: ignore[method-assign]
    # The instrumentation's per-engine tracer: ``SQLAlchemyInstrumentor().instrument()`` would
    # also patch ``create_engine`` for the whole process, and only once.
    meter = otel_metrics.NoOpMeterProvider().get_meter("opentelemetry.instrumentation.sqlalchemy")
    EngineTracer(  # type: ignore[no-untyped-call]
        provider.get_tracer("opentelemetry.instrumentation.sqlalchemy", sqlalchemy_otel),
        engine.sync_engine,
        meter.create_up_down_counter("db.client.connections.usage"),
    )


def observe(
    app: FastAPI,
    *,
    engine: AsyncEngine,
    provider: TracerProvider,
    with_metrics: bool,
    with_tracing: bool,
) -> None:
    """Request ids, metrics and traces for ``app``; the request id wraps everything else."""
    app.state.tracer_provider = provider
    if with_metrics:
        app.state.metrics_registry = add_metrics(app)
    if with_tracing:
        add_tracing(app, engine, provider)
    build = app.build_middleware_stack
    app.build_middleware_stack = lambda: RequestIdMiddleware(build())  # type: ignore[method-assign]
