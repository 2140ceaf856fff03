"""`make bench` keeps working as routes are added: every route has a sample request that works."""

import os
import struct
import uuid
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

import course
from playground.main import create_app
from tests import bench, bench_app, pg_wire


async def test_every_route_has_a_sample_request_that_succeeds() -> None:
    rows = await bench.counts_per_route()
    routes = {f"{r.methods} {r.path}" for r in course.routes(create_app())}
    assert {route for route, *_ in rows} == routes
    failed = [(route, status) for route, status, *_ in rows if status >= 400]
    assert failed == []


def test_the_set_up_section_counts_packages_and_disk_as_du_does(tmp_path: Path) -> None:
    from tests import bench_setup

    site = tmp_path / "lib" / "python3.11" / "site-packages"
    (site / "a-1.0.dist-info").mkdir(parents=True)
    (site / "b-2.0.dist-info").mkdir()
    (site / "a.py").write_bytes(b"x" * 100_000)
    os.link(site / "a.py", site / "same.py")  # a hard link counts once
    assert bench_setup.venv_packages(tmp_path) == 2
    assert 0.09 < bench_setup.disk_megabytes(tmp_path) < 0.2
    row = bench_setup.SetUp("learner", "uv, cold", 12.34, 166, 436.2)
    lines = bench_setup.set_up_lines([row], lab=21.4, noop=0.05)
    assert "| learner | uv, cold | 12.3 | 166 | 436 |" in lines
    assert any("JupyterLab answers: **21.4 s**" in line for line in lines)


def _message(kind: bytes, payload: bytes = b"") -> bytes:
    return kind + struct.pack("!i", 4 + len(payload)) + payload


def test_the_wire_relay_counts_round_trips_and_simple_queries_across_chunks() -> None:
    wire = pg_wire.Wire()
    connection = pg_wire._Connection()
    ssl_request = struct.pack("!ii", 8, pg_wire.SSL_REQUEST)
    parameters = b"user\0ada\0\0"
    startup = struct.pack("!ii", 8 + len(parameters), pg_wire.PROTOCOL_3) + parameters
    client = ssl_request + startup + _message(b"Q", b"BEGIN\0") + _message(b"P", b"\0SELECT 1\0")
    client += _message(b"B", b"\0\0" * 3) + _message(b"E", b"\0\0\0\0\0") + _message(b"S")
    client += _message(b"Q", b"ROLLBACK\0")
    server = b"N" + _message(b"R", b"\0\0\0\0") + _message(b"Z", b"I")  # startup done
    server += _message(b"C", b"BEGIN\0") + _message(b"Z", b"T")  # the BEGIN
    server += _message(b"1") + _message(b"2") + _message(b"D") + _message(b"Z", b"T")
    server += _message(b"C", b"ROLLBACK\0") + _message(b"Z", b"I")
    for start in range(0, len(client), 7):  # in pieces, as a socket delivers them
        pg_wire.parse_client(connection, client[start : start + 7], wire)
    for start in range(0, len(server), 5):
        pg_wire.parse_server(connection, server[start : start + 5], wire)
    assert wire.client["ssl request"] == 1 and wire.server["ssl answer N"] == 1
    assert (wire.client["P"], wire.client["E"], wire.round_trips) == (1, 1, 4)
    assert dict(wire.simple_queries) == {"BEGIN": 1, "ROLLBACK": 1}


def test_a_connection_that_switches_to_tls_is_not_parsed_further() -> None:
    wire = pg_wire.Wire()
    connection = pg_wire._Connection()
    pg_wire.parse_client(connection, struct.pack("!ii", 8, pg_wire.SSL_REQUEST), wire)
    pg_wire.parse_server(connection, b"S" + b"\x16\x03\x01 opaque TLS", wire)
    pg_wire.parse_client(connection, b"\x16\x03\x01 more TLS", wire)
    assert wire.server["ssl answer S"] == 1 and wire.round_trips == 0
    assert sum(wire.client.values()) == 1  # the SSLRequest only


@pytest.mark.skipif(
    not os.environ.get(course.TEST_DATABASE_URL), reason="PostgreSQL only (make test-postgres)"
)
async def test_the_floor_answers_what_the_read_route_answers() -> None:
    async with await course.start() as pg:
        ada = await pg.user("ada")
        post = (
            await pg.client.post("/posts", json={"title": "t", "body": "b"}, headers=ada.headers)
        ).json()
        app = bench_app.create_bench_app(pg.settings)
        async with LifespanManager(app) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                floor = await client.get(bench_app.FLOOR_PATH.format(post_id=post["id"]))
                missing = await client.get(bench_app.FLOOR_PATH.format(post_id=uuid.uuid4()))
                read = await client.get(f"/posts/{post['id']}")
        await app.state.engine.dispose()
    assert floor.json() == read.json() == post
    assert (missing.status_code, missing.json()["code"]) == (404, "POST_NOT_FOUND")
