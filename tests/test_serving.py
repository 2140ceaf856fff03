"""`make serve` serves the app as FastAPI's docs teach: `fastapi run`, the app found through
`[tool.fastapi] entrypoint` in pyproject.toml (no path argument)."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi_cli.config import FastAPIConfig

ROOT = Path(__file__).parents[1]


def test_fastapi_cli_reads_the_entrypoint_from_pyproject(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert FastAPIConfig.resolve().entrypoint == "playground.main:app"


def test_fastapi_run_serves_the_app_with_no_path_given(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    fastapi = Path(sys.executable).with_name("fastapi")
    environment = {**os.environ, "PLAYGROUND_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db"}
    environment |= {"NO_COLOR": "1", "COLUMNS": "200"}
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(fastapi), "run", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"fastapi run did not answer:\n{log.read_text()}")
                time.sleep(0.2)
        maps = Path(f"/proc/{server.pid}/maps")
        loaded = maps.read_text() if maps.exists() else None  # Linux: the libraries it loaded
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert "playground.main:app" in log.read_text()
    if loaded is not None:  # uvicorn's "auto" found the serving set, as a deployment's would
        assert "/uvloop/loop." in loaded
        assert "/httptools/parser/parser." in loaded
