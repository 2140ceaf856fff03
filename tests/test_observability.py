"""Observability: the request id in and out and on every log line a request causes (background
and queued work included), metrics by route template, traces of a request and its SQL."""

import http.server
import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

import course
from course.labs.n22_worker import environment
from playground import observability
from playground.config import SettingsError, load_settings

ROOT = Path(__file__).parents[1]
HEX_ID = re.compile(r"[0-9a-f]{32}")


@contextmanager
def json_lines(*names: str) -> Iterator[list[dict[str, object]]]:
    """These loggers' records, formatted by the app's JSON formatter and parsed back."""
    lines: list[dict[str, object]] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(json.loads(self.format(record)))

    handler = Keep()
    handler.setFormatter(observability.JsonFormatter("%(levelname)s %(name)s %(message)s"))
    loggers = [logging.getLogger(name) for name in names]
    saved = [(logger.level, logger.propagate) for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    try:
        yield lines
    finally:
        for logger, (level, propagate) in zip(loggers, saved, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)
            logger.propagate = propagate


# --- the request id ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("3f2c1e9a-7b6d-4c1a-9e8f-0a1b2c3d4e5f", True),  # a UUID
        ("lb.42:abc_DEF-1", True),  # a load balancer's
        ("x" * 64, True),
        ("x" * 65, False),  # too long
        ("has space", False),
        ("-leading-dash", False),
        ("tab\there", False),
        ("", False),
    ],
)
async def test_an_incoming_request_id_is_kept_only_when_short_and_plain(
    pg: course.Playground, sent: str, kept: bool
) -> None:
    response = await pg.client.get("/health", headers={"X-Request-ID": sent})
    answered = response.headers["X-Request-ID"]
    assert (answered == sent) is kept
    if not kept:
        assert HEX_ID.fullmatch(answered)


async def test_each_request_without_one_gets_its_own_id(pg: course.Playground) -> None:
    ids = {(await pg.client.get("/health")).headers["X-Request-ID"] for _ in range(5)}
    assert len(ids) == 5 and all(HEX_ID.fullmatch(i) for i in ids)
    assert observability.request_id.get() is None  # nothing leaks into the caller's context


async def test_an_error_answer_and_its_log_line_carry_the_id(pg: course.Playground) -> None:
    @pg.app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("a bug")

    transport = httpx.ASGITransport(app=pg.app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=course.BASE_URL) as client:
        with json_lines("playground") as lines:
            response = await client.get("/boom", headers={"X-Request-ID": "req-500"})
    assert response.status_code == 500
    assert response.json()["code"] == "INTERNAL_ERROR"
    assert response.headers["X-Request-ID"] == "req-500"
    assert [(line["name"], line["request_id"]) for line in lines] == [
        ("playground.handlers", "req-500")
    ]


@pytest.fixture
async def traced() -> AsyncIterator[course.Playground]:
    """A playground whose requests make spans: no endpoint, so asked for (``TRACING``)."""
    async with await course.start(settings={"TRACING": True}) as playground:
        yield playground


async def test_a_background_task_logs_with_the_request_id(traced: course.Playground) -> None:
    pg = traced
    ada = await pg.user("ada")
    with json_lines("playground") as lines:
        response = await pg.client.post(
            f"/users/{ada.id}/email",
            json={"subject": "hello", "body": "b"},
            headers={**ada.headers, "X-Request-ID": "req-bg"},
        )
    assert response.status_code == 202
    # the default sender logs after the response, in the background task
    sent = [line for line in lines if str(line["message"]).startswith("email to ")]
    assert [line["request_id"] for line in sent] == ["req-bg"]
    assert isinstance(sent[0]["trace_id"], str) and len(sent[0]["trace_id"]) == 32


@pytest.fixture
async def queued(tmp_path: Path) -> AsyncIterator[course.Playground]:
    notifications = {"DELIVERY": "queue", "QUEUE_URL": f"sqlite:///{tmp_path / 'queue.db'}"}
    async with await course.start(notifications=notifications) as playground:
        yield playground


@contextmanager
def worker(pg: course.Playground, log: Path, **env: str) -> Iterator[None]:
    """``make worker``'s command (logging.ini's JSON lines) beside the playground."""
    command = [sys.executable, "-m", "playground.worker"]
    command += ["-w", "1", "-k", "thread", "-d", "0.05", "-m", "0.2", "--log-config"]
    command += [str(ROOT / "logging.ini")]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment(pg, **env), stdout=out, stderr=subprocess.STDOUT
        )
    try:
        yield
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def test_a_queued_task_logs_with_the_request_id_in_the_worker(
    queued: course.Playground, tmp_path: Path
) -> None:
    from course.labs.n22_queue import until

    ada = await queued.user("ada")
    response = await queued.client.post(
        f"/users/{ada.id}/email",
        json={"subject": "queued", "body": "b"},
        headers={**ada.headers, "X-Request-ID": "req-queued"},
    )
    assert response.status_code == 202
    log = tmp_path / "worker.log"
    with worker(queued, log):
        assert await until(queued, "queued", "sent") == "sent"
    lines = [json.loads(line) for line in log.read_text().splitlines()]  # every line is JSON
    mine = [line["message"] for line in lines if line["request_id"] == "req-queued"]
    assert mine[0].startswith("Executing ") and "send_email" in mine[0]  # huey's own line
    assert any(message.startswith("email to ") for message in mine)  # the sender's
    assert " executed in " in mine[-1]
    rows = await queued.sql("SELECT request_id FROM notification_email")
    assert rows == [("req-queued",)]


# --- redelivery ----------------------------------------------------------------------------


async def test_a_row_lost_on_its_way_is_found_and_sent_by_the_worker(
    queued: course.Playground, tmp_path: Path
) -> None:
    """A row whose task never reached a worker (here: never enqueued) and one a killed worker
    left ``sending``: the worker's sweep (at its start, then every minute) sends both."""
    from course.labs.n22_queue import until
    from playground.domains.notifications import service
    from playground.domains.notifications.constants import EmailStatus
    from playground.domains.notifications.models import NotificationEmail

    ada = await queued.user("ada")
    async with queued.app.state.sessionmaker() as session:
        for subject in ("lost", "stuck"):
            await service.outbox(
                session=session, user_id=ada.id, subject=subject, body="b", request_id="req-lost"
            )
        await session.execute(
            update(NotificationEmail)
            .where(NotificationEmail.subject == "stuck")
            .values(status=EmailStatus.SENDING)
        )
        # last changed REDELIVER_AFTER_SECONDS (300 by default) ago and more
        long_ago = datetime(2000, 1, 1, tzinfo=UTC)
        await session.execute(update(NotificationEmail).values(updated_at=long_ago))
        await session.commit()
    log = tmp_path / "worker.log"
    with worker(queued, log):
        assert await until(queued, "lost", "sent") == "sent"
        assert await until(queued, "stuck", "sent") == "sent"
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    found = [line for line in lines if "lost on its way" in line["message"]]
    assert [line["request_id"] for line in found] == ["req-lost", "req-lost"]


async def test_of_two_deliveries_of_one_row_only_one_sends(pg: course.Playground) -> None:
    """A row put on the queue again while its first task still runs: one UPDATE takes it."""
    import asyncio

    from playground.domains.notifications import service

    ada = await pg.user("ada")
    async with pg.app.state.sessionmaker() as session:
        email = await service.outbox(
            session=session, user_id=ada.id, subject="once", body="b", request_id=None
        )
    sent: list[str] = []

    async def slow_sender(*, user_id: uuid.UUID, subject: str, body: str) -> None:
        sent.append(subject)
        await asyncio.sleep(0.05)

    deliveries = [
        service.send_outboxed(
            sessionmaker=pg.app.state.sessionmaker,
            sender=slow_sender,
            email_id=email.id,
            last_try=False,
        )
        for _ in range(2)
    ]
    assert sorted(map(str, await asyncio.gather(*deliveries))) == ["None", "sent"]
    assert sent == ["once"]


async def test_a_failed_send_goes_back_to_queued_for_its_retry(pg: course.Playground) -> None:
    from playground.domains.notifications import service

    ada = await pg.user("ada")
    async with pg.app.state.sessionmaker() as session:
        email = await service.outbox(
            session=session, user_id=ada.id, subject="flaky", body="b", request_id=None
        )

    async def down(*, user_id: uuid.UUID, subject: str, body: str) -> None:
        raise ConnectionError("the mail server is down")

    with pytest.raises(ConnectionError):
        await service.send_outboxed(
            sessionmaker=pg.app.state.sessionmaker, sender=down, email_id=email.id, last_try=False
        )
    assert await pg.sql("SELECT status FROM notification_email") == [("queued",)]


# --- metrics -------------------------------------------------------------------------------


def _samples(text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    return {
        tuple(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    }


async def test_metrics_count_requests_by_route_template_not_by_path(
    pg: course.Playground,
) -> None:
    for _ in range(50):
        response = await pg.client.get(f"/posts/{uuid.uuid4()}")
        assert response.status_code == 404
    for n in range(3):
        await pg.client.get(f"/no/such/path/{n}")
    metrics = await pg.client.get("/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    counts = _samples(metrics.text, "http_requests_total")
    posts = {labels: n for labels, n in counts.items() if ("method", "GET") in labels}
    assert posts == {
        (("handler", "/posts/{post_id}"), ("method", "GET"), ("status", "4xx")): 50.0,
        (("handler", "none"), ("method", "GET"), ("status", "4xx")): 3.0,  # no route: one label
    }
    latency = _samples(metrics.text, "http_request_duration_seconds_count")
    assert latency[(("handler", "/posts/{post_id}"), ("method", "GET"))] == 50.0


async def test_metrics_are_per_app_and_can_be_turned_off() -> None:
    async with await course.start(settings={"METRICS": False}) as pg:
        assert (await pg.client.get("/metrics")).status_code == 404
        assert not hasattr(pg.app.state, "metrics_registry")


# --- traces --------------------------------------------------------------------------------


def _statement(span: ReadableSpan) -> str:
    return " ".join(str((span.attributes or {})["db.statement"]).split())


async def test_a_request_span_holds_its_sql_statements(traced: course.Playground) -> None:
    """The route's SQL and its background task's (an email to the author), all children of
    the request's span: the task runs before the request's ASGI call returns."""
    pg = traced
    exporter = InMemorySpanExporter()
    pg.app.state.tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    ada = await pg.user("ada", creator=True)
    post = await pg.client.post("/posts", json={"title": "t", "body": "b"}, headers=ada.headers)
    exporter.clear()
    with pg.count_sql() as sql:
        response = await pg.client.get(
            f"/users/{ada.id}/posts/{post.json()['id']}", headers=ada.headers
        )
    assert response.status_code == 200
    (root, *children) = sorted(exporter.get_finished_spans(), key=lambda span: span.start_time or 0)
    assert root.name == "GET /users/{user_id}/posts/{post_id}" and root.parent is None
    assert root.attributes is not None and root.attributes["http.route"] == root.name[4:]
    assert [_statement(span) for span in children] == sql.statements
    assert all(span.parent == root.context for span in children)
    verbs = [_statement(span).split()[0] for span in children]
    assert verbs[-2:] == ["INSERT", "UPDATE"] and set(verbs[:-2]) == {"SELECT"}  # task: last


@pytest.mark.parametrize(
    "settings",
    [{}, {"TRACING": False, "OTLP_ENDPOINT": "http://127.0.0.1:9/v1/traces"}],
    ids=["no endpoint", "turned off"],
)
async def test_no_spans_without_an_endpoint_or_when_turned_off(settings: dict[str, Any]) -> None:
    async with await course.start(settings=settings) as pg:
        exporter = InMemorySpanExporter()
        pg.app.state.tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
        ada = await pg.user("ada")
        with json_lines("playground") as lines:
            response = await pg.client.post(
                f"/users/{ada.id}/email", json={"subject": "s", "body": "b"}, headers=ada.headers
            )
        assert exporter.get_finished_spans() == ()
        assert [line["request_id"] for line in lines] == [response.headers["X-Request-ID"]]
        assert "trace_id" not in lines[0]


async def test_the_scrape_and_the_liveness_probe_are_not_traced(
    traced: course.Playground,
) -> None:
    pg = traced
    exporter = InMemorySpanExporter()
    pg.app.state.tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    await pg.client.get("/health")
    await pg.client.get("/metrics")
    assert exporter.get_finished_spans() == ()


class _Collector(http.server.BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, str, bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, self.headers["Content-Type"], body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


async def test_an_otlp_endpoint_receives_the_spans_when_the_app_stops() -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Collector.received.clear()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}/v1/traces"
    try:
        pg = await course.start(settings={"OTLP_ENDPOINT": endpoint, "SERVICE_NAME": "pg-test"})
        await pg.client.get(f"/posts/{uuid.uuid4()}")
        await pg.close()  # the lifespan's end flushes the batch
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
    paths = {(path, content_type) for path, content_type, _ in _Collector.received}
    assert paths == {("/v1/traces", "application/x-protobuf")}
    names = set()
    for *_, body in _Collector.received:
        request = ExportTraceServiceRequest.FromString(body)
        for resource in request.resource_spans:
            service = {a.key: a.value.string_value for a in resource.resource.attributes}
            assert service["service.name"] == "pg-test"
            names |= {span.name for scope in resource.scope_spans for span in scope.spans}
    assert "GET /posts/{post_id}" in names


def test_the_otlp_endpoint_must_be_a_url() -> None:
    with pytest.raises(SettingsError, match="PLAYGROUND_OTLP_ENDPOINT"):
        load_settings(OTLP_ENDPOINT="collector:4318", _env_file=None)


def test_logging_ini_writes_json_lines_with_the_request_id() -> None:
    script = (
        "import logging, logging.config\n"
        "from playground import observability\n"
        "logging.config.fileConfig('logging.ini')\n"
        "logging.getLogger('playground.x').info('outside')\n"
        "with observability.bound_request_id('req-1'):\n"
        "    logging.getLogger('playground.x').warning('inside %s', 42)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLAYGROUND_")}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stderr.splitlines()]
    assert [(line["levelname"], line["message"], line["request_id"]) for line in lines] == [
        ("INFO", "outside", None),
        ("WARNING", "inside 42", "req-1"),
    ]


def test_with_a_multiprocess_folder_the_scrape_sums_every_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several worker processes: each writes its counts to ``PROMETHEUS_MULTIPROC_DIR``, and
    any one of them answers ``/metrics`` with the sum."""
    script = (
        "import asyncio, httpx\n"
        "from playground.main import create_app\n"
        "async def main():\n"
        "    transport = httpx.ASGITransport(app=create_app())\n"
        "    async with httpx.AsyncClient(transport=transport, base_url='http://x') as client:\n"
        "        for _ in range(3):\n"
        "            assert (await client.get('/health')).status_code == 200\n"
        "asyncio.run(main())\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLAYGROUND_")}
    env |= {
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "PLAYGROUND_DATABASE_URL": "sqlite+aiosqlite:///:memory:",
    }
    for _ in range(2):  # two processes
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    text = observability.scraped(CollectorRegistry()).decode()
    counts = _samples(text, "http_requests_total")
    assert counts[(("handler", "/health"), ("method", "GET"), ("status", "2xx"))] == 6.0


def test_the_worker_needs_its_logging_config(tmp_path: Path) -> None:
    from playground import worker

    with pytest.raises(SystemExit) as stopped:
        worker.main(["-w", "1", "--log-config", str(tmp_path / "missing.ini")])
    assert stopped.value.code == 2  # optparse's usage error, before any consumer starts
