"""`make bench`: measure the course and the API once, write BENCHMARKS.md.

A benchmark, not a test: nothing here asserts a timing. Run with ``python -m tests.bench``.
"""

import asyncio
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import httpx
import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from playground import course, migrations
from playground.auth import utils as auth_utils
from playground.config import Settings
from playground.main import create_app

ROOT = Path(__file__).parents[1]
KERNEL = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
OUTPUT = ROOT / "BENCHMARKS.md"
CLIENTS = 16
REQUESTS_PER_ROUTE = 1500
PING_N = 10
PING_DELAY = 0.1
NBVAL = ["--nbval", "--nbval-current-env", "-p", "no:cacheprovider", "-q", "-n", "auto"]


# ---------------------------------------------------------------- notebooks


def _pytest_wall(paths: list[Path], cwd: Path, sanitize: Path) -> float:
    started = time.perf_counter()
    command = [sys.executable, "-m", "pytest", *NBVAL, "--dist", "loadfile"]
    command += ["--nbval-sanitize-with", str(sanitize), *map(str, paths)]
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - started


def notebook_times() -> tuple[float, float, dict[str, float]]:
    """Strict nbval wall time of the course, of as many trivial notebooks, and each notebook's."""
    sanitize = ROOT / "notebooks" / "sanitize.cfg"
    suite = _pytest_wall(NOTEBOOKS, ROOT, sanitize)
    with tempfile.TemporaryDirectory() as folder:
        trivial = []
        for index in range(len(NOTEBOOKS)):
            source = "import fastapi, httpx, pydantic, sqlalchemy\nfrom playground import course"
            # nbformat ships no annotations: its calls are untyped, so each is ignored by name.
            cell = new_code_cell(source, execution_count=1)  # type: ignore[no-untyped-call]
            notebook = new_notebook(cells=[cell], metadata=KERNEL)  # type: ignore[no-untyped-call]
            path = Path(folder) / f"trivial_{index:02d}.ipynb"
            nbformat.write(notebook, path)  # type: ignore[no-untyped-call]
            trivial.append(path)
        shutil.copy(ROOT / "notebooks" / "conftest.py", folder)  # the same kernels (IPC)
        floor = _pytest_wall(trivial, Path(folder), sanitize)
        each = {}
        for notebook in NOTEBOOKS:
            copy = Path(folder) / "run" / notebook.name
            copy.parent.mkdir(exist_ok=True)
            shutil.copy(notebook, copy)
            shutil.copy(sanitize, copy.parent)
            # Run where the original lives: notebooks read files next to themselves.
            each[notebook.name] = _execute_elsewhere(copy, notebook.parent)
    return suite, floor, each


def _execute_elsewhere(copy: Path, cwd: Path) -> float:
    from nbclient import NotebookClient

    notebook = nbformat.read(copy, as_version=4)  # type: ignore[no-untyped-call]
    client = NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
    )
    started = time.perf_counter()
    client.execute()
    return time.perf_counter() - started


# ---------------------------------------------------------------- served throughput


@dataclass
class Load:
    path: str
    rps: float
    p50_ms: float
    p99_ms: float


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _load(base_url: str, path: str, headers: dict[str, str]) -> Load:
    latencies: list[float] = []
    queue = iter(range(REQUESTS_PER_ROUTE))
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as client:

        async def worker() -> None:
            for _ in queue:
                started = time.perf_counter()
                response = await client.get(path, headers=headers)
                latencies.append(time.perf_counter() - started)
                response.raise_for_status()

        for _ in range(CLIENTS):  # warm up connections
            (await client.get(path, headers=headers)).raise_for_status()
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CLIENTS)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return Load(
        path=path,
        rps=len(latencies) / elapsed,
        p50_ms=statistics.median(latencies) * 1000,
        p99_ms=latencies[int(len(latencies) * 0.99) - 1] * 1000,
    )


async def served_throughput() -> list[Load]:
    """uvicorn in its own process on loopback; CLIENTS concurrent keep-alive clients."""
    folder = Path(tempfile.mkdtemp(prefix="playground-bench-"))
    database_url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    engine_app = create_app(Settings(_env_file=None, DATABASE_URL=database_url))
    await migrations.upgrade(engine_app.state.engine)
    await engine_app.state.engine.dispose()
    port = _free_port()
    env = {**os.environ, "PLAYGROUND_DATABASE_URL": database_url, "PLAYGROUND_ENVIRONMENT": "local"}
    server = subprocess.Popen(  # noqa: ASYNC220 - started once, not awaited
        [
            sys.executable,
            "-m",
            "uvicorn",
            "playground.main:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
        cwd=folder,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            for _ in range(200):
                try:
                    (await client.get("/health")).raise_for_status()
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
            user = {
                "username": "bench",
                "email": "bench@example.com",
                "password": "bench-password",
                "first_name": "Bench",
            }
            user_id = (await client.post("/auth/users", json=user)).json()["id"]
            token = (
                await client.post(
                    "/auth/token", data={"username": "bench", "password": "bench-password"}
                )
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            me = await client.get("/auth/users/me", headers=headers)
            me.raise_for_status()
            post = await client.post("/posts", json={"title": "t", "body": "b"}, headers=headers)
            post_id = post.json()["id"]
            profile_id = await _profile_id(database_url, user_id)
            patched = await client.patch(
                f"/profiles/{profile_id}", json={"is_creator": True}, headers=headers
            )
            patched.raise_for_status()
        results = []
        for path, auth in (
            ("/health", False),
            (f"/posts/{post_id}", False),
            (f"/users/{user_id}/posts/{post_id}", True),
        ):
            results.append(await _load(base_url, path, headers if auth else {}))
        return results
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


async def _profile_id(database_url: str, user_id: str) -> str:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        row = await connection.execute(
            text("SELECT id FROM profile WHERE user_id = :id"), {"id": uuid.UUID(user_id).hex}
        )
        value = row.scalar_one()
    await engine.dispose()
    return str(uuid.UUID(value))


# ---------------------------------------------------------------- counts per route


Call = Callable[[course.Playground, dict[str, str]], Awaitable[httpx.Response]]


async def counts_per_route() -> list[tuple[str, int, int, int]]:
    """(route, status, SQL statements, JWT decodes) for one representative request per route."""
    async with await course.start(settings={"PING_DELAY_SECONDS": 0}) as pg:
        ada = await pg.user("ada", creator=True)
        bob = await pg.user("bob")
        post = (
            await pg.client.post("/posts", json={"title": "t", "body": "b"}, headers=ada.headers)
        ).json()
        victim = (
            await pg.client.post("/posts", json={"title": "t", "body": "b"}, headers=ada.headers)
        ).json()
        c = pg.client
        h = ada.headers
        pid, uid = post["id"], ada.id
        calls: dict[str, Callable[[], Awaitable[httpx.Response]]] = {
            "POST /auth/users": lambda: pg.register("carol"),
            "POST /auth/token": lambda: c.post(
                "/auth/token", data={"username": "bob", "password": course.DEFAULT_PASSWORD}
            ),
            "GET /auth/users/me": lambda: c.get("/auth/users/me", headers=h),
            "POST /posts": lambda: c.post("/posts", json={"title": "t", "body": "b"}, headers=h),
            "GET /posts": lambda: c.get("/posts"),
            "GET /posts/{post_id}": lambda: c.get(f"/posts/{pid}"),
            "PUT /posts/{post_id}": lambda: c.put(
                f"/posts/{pid}", json={"title": "u", "body": "v"}, headers=h
            ),
            "DELETE /posts/{post_id}": lambda: c.delete(f"/posts/{victim['id']}", headers=h),
            "GET /posts/{post_id}/reviews": lambda: c.get(f"/posts/{pid}/reviews"),
            "POST /posts/{post_id}/reviews": lambda: c.post(
                f"/posts/{pid}/reviews", json={"rating": 5}, headers=bob.headers
            ),
            "GET /users/{user_id}/posts/{post_id}": lambda: c.get(
                f"/users/{uid}/posts/{pid}", headers=h
            ),
            "GET /profiles/{profile_id}": lambda: c.get(f"/profiles/{ada.profile_id}"),
            "PATCH /profiles/{profile_id}": lambda: c.patch(
                f"/profiles/{ada.profile_id}", json={"bio": "hi"}, headers=h
            ),
            "GET /creators/{profile_id}": lambda: c.get(f"/creators/{ada.profile_id}"),
            "POST /users/{user_id}/email": lambda: c.post(
                f"/users/{uid}/email", json={"subject": "s", "body": "b"}, headers=h
            ),
            "GET /users/{user_id}/emails": lambda: c.get(f"/users/{uid}/emails", headers=h),
            "GET /pings/terrible": lambda: c.get("/pings/terrible"),
            "GET /pings/good": lambda: c.get("/pings/good"),
            "GET /pings/perfect": lambda: c.get("/pings/perfect"),
            "GET /": lambda: c.get("/"),
            "GET /health": lambda: c.get("/health"),
        }
        routes = [f"{r.methods} {r.path}" for r in course.routes(pg.app)]
        missing = set(routes) - set(calls)
        if missing:
            raise SystemExit(f"bench: no sample request for {sorted(missing)}")
        rows = []
        for route in routes:
            with (
                pg.count_sql() as sql,
                course.count_calls(auth_utils, "decode_access_token") as jwt,
            ):
                response = await calls[route]()
            rows.append((route, response.status_code, sql.count, jwt.calls))
        return rows


async def pings() -> list[tuple[str, float]]:
    """PING_N concurrent requests per ping route, total time as a multiple of one delay."""
    async with await course.start(settings={"PING_DELAY_SECONDS": PING_DELAY}) as pg:
        ratios = []
        for name in ("terrible", "good", "perfect"):
            started = time.perf_counter()
            await asyncio.gather(*(pg.client.get(f"/pings/{name}") for _ in range(PING_N)))
            ratios.append((name, (time.perf_counter() - started) / PING_DELAY))
        return ratios


# ---------------------------------------------------------------- report


def main() -> None:
    started = time.perf_counter()
    suite, floor, each = notebook_times()
    loads = asyncio.run(served_throughput())
    counts = asyncio.run(counts_per_route())
    ping_ratios = asyncio.run(pings())
    packages = ["fastapi", "starlette", "pydantic", "sqlalchemy", "uvicorn", "httpx", "nbval"]
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` from one run; numbers vary between runs and machines.",
        "`make test` checks correctness only; nothing here is a threshold.",
        "",
        f"- Machine: {os.cpu_count()} cores, {platform.machine()}, {platform.system()}",
        f"- Python {platform.python_version()}; "
        + ", ".join(f"{name} {version(name)}" for name in packages),
        f"- Run took {time.perf_counter() - started:.0f} s",
        "",
        "## Notebooks under strict nbval (`pytest --nbval -n auto --dist loadfile`)",
        "",
        "| what | wall time (s) |",
        "|---|---|",
        f"| the course: {len(NOTEBOOKS)} notebooks | {suite:.1f} |",
        f"| floor: {len(NOTEBOOKS)} trivial notebooks importing the same libraries | {floor:.1f} |",
        f"| the course over the floor | {suite / floor:.2f}× |",
        "",
        "| notebook | execution time (s) |",
        "|---|---|",
        *(f"| `{name}` | {seconds:.1f} |" for name, seconds in each.items()),
        "",
        f"## Served by uvicorn on loopback ({CLIENTS} concurrent clients, "
        f"{REQUESTS_PER_ROUTE} requests each; client and server share the machine)",
        "",
        "| route | requests/s | p50 (ms) | p99 (ms) | throughput vs `/health` |",
        "|---|---|---|---|---|",
        *(
            f"| `{load.path if load.path == '/health' else _template(load.path)}` | "
            f"{load.rps:.0f} | {load.p50_ms:.1f} | {load.p99_ms:.1f} | "
            f"{load.rps / loads[0].rps:.2f} |"
            for load in loads
        ),
        "",
        "## SQL statements and JWT decodes per request (counted in-process)",
        "",
        "In-process, `ASGITransport` waits for background tasks, so their statements are counted",
        "too (the email outbox INSERT and UPDATE).",
        "",
        "| route | status | SQL statements | JWT decodes |",
        "|---|---|---|---|",
        *(f"| `{route}` | {status} | {sql} | {jwt} |" for route, status, sql, jwt in counts),
        "",
        f"## Pings: {PING_N} concurrent requests, delay {PING_DELAY} s (in-process)",
        "",
        "| route | total time ÷ one delay |",
        "|---|---|",
        *(f"| `/pings/{name}` | {ratio:.1f} |" for name, ratio in ping_ratios),
        "",
    ]
    OUTPUT.write_text("\n".join(lines))
    print(f"wrote {OUTPUT.relative_to(ROOT)}")


def _template(path: str) -> str:
    parts = path.strip("/").split("/")
    names = {"posts": "{post_id}", "users": "{user_id}"}
    return "/" + "/".join(
        names.get(parts[i - 1], part) if i % 2 else part for i, part in enumerate(parts)
    )


if __name__ == "__main__":
    main()
