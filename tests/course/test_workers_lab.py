"""Lesson 25's lab: the playground under ``uvicorn --workers 2``, its log, pinned clients, and a
graceful shutdown with a request in flight; every server it starts is stopped."""

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import course
from course.labs import n25_clients as clients_lab
from course.labs import n25_shutdown as shutdown_lab
from course.labs import n25_workers as workers_lab


async def test_two_workers_a_kept_connection_a_blocked_loop_and_a_graceful_stop(
    pg: course.Playground,
) -> None:
    database = workers_lab.fresh_database(pg)
    with workers_lab.alembic_log() as migrated:
        await workers_lab.migrate(database)
    assert sum("Running upgrade" in line for line in migrated) >= 4
    server = workers_lab.start(database, workers=2)
    try:
        workers = await server.started()
        assert len(set(workers)) == 2 and server.process.pid not in workers
        assert server.told(server.process.pid)[-1] == "Started parent process [pid]"
        assert server.name(workers[0]) == "worker 1"
        async with clients_lab.pinned(server) as a:
            kept = {clients_lab.worker_of(await a.get("/health")) for _ in range(5)}
            assert len(kept) == 1  # one connection, one worker
            blocked = await clients_lab.while_blocked(server, a)
            assert blocked.status == 200 and blocked.sent >= len(blocked.during) >= 1
            assert set(blocked.during) == {*workers} - {blocked.blocked}
            async with clients_lab.pinned_elsewhere(server, a) as b:
                mine = clients_lab.worker_of(await a.get("/health"))
                assert clients_lab.worker_of(await b.get("/health")) == ({*workers} - {mine}).pop()
        stopped = await shutdown_lab.shutdown_with_a_request_in_flight(server)
        assert stopped.in_flight.status_code == 200
        assert stopped.began_before and stopped.finished_after
        assert stopped.newcomer == "connected, then closed unanswered"
        assert stopped.after_exit == "refused: nothing listens on the port"
        assert stopped.exit_code == 0
        again = await shutdown_lab.shutdown_with_a_request_in_flight(server)  # a cell run again
        assert again.server is not server and again.in_flight.status_code == 200
        assert not again.server.running
    finally:
        workers_lab._stop_all()
    assert not server.running and workers_lab.RUNNING == []


async def test_a_new_server_stops_the_one_before(pg: course.Playground) -> None:
    database = workers_lab.fresh_database(pg)
    await workers_lab.migrate(database)
    first = workers_lab.start(database, workers=1)
    try:
        second = workers_lab.start(database, workers=1)
        assert not first.running and first.process.returncode is not None
        assert [second] == workers_lab.RUNNING
        await second.started()
        ready = await clients_lab.on_new_connection(second, "/health/ready")
        assert ready.json() == {"status": "ready", "checks": {"database": "ok"}}
    finally:
        workers_lab._stop_all()
    assert workers_lab.RUNNING == []


async def test_a_variant_is_the_playground_with_settings_changed(pg: course.Playground) -> None:
    down = {"DELIVERY": "queue", "QUEUE_URL": "redis://127.0.0.1:1/0"}
    async with clients_lab.variant(pg, notifications=down) as client:
        response = await client.get("/health/ready")
    assert response.json()["detail"] == "Not ready: queue: ConnectionError"
    async with clients_lab.variant(pg) as client:
        assert (await client.get("/health/ready")).status_code == 200  # pg's own database


def test_a_server_whose_kernel_is_killed_stops_itself(tmp_path: Path) -> None:
    """A killed kernel runs no exit handler: the server's watchdog sees its parent gone and
    stops it the graceful way."""
    script = (
        "import asyncio, pathlib, sys\n"
        "from course.labs import n25_workers as lab\n"
        "database = pathlib.Path(sys.argv[1])\n"
        "asyncio.run(lab.migrate(database))\n"
        "server = lab.start(database, workers=2)\n"
        "asyncio.run(server.started())\n"
        "print(server.process.pid, *server.worker_pids(), flush=True)\n"
        "input()\n"  # until killed
    )
    with subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path / "playground.db")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as kernel:
        assert kernel.stdout is not None
        pids = [int(pid) for pid in kernel.stdout.readline().split()]
        assert len(set(pids)) == 3  # the supervisor and its two workers
        kernel.kill()
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in pids)
    log = (tmp_path / "server.log").read_text()
    assert "Received SIGTERM, exiting." in log and "Finished server process" in log


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(FileNotFoundError):  # a zombie is no process left running
        return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    return True
