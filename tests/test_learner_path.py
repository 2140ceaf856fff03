"""The learner's path needs Python and uv only: `uv run python -m course lab`, no make.

The README's command on any OS, run here with a PATH that holds nothing but the project's
environment and the base Python (no make, no shell tools), offline: uv checks the learner's set
against uv.lock (already installed: nothing to download), and JupyterLab answers on its port.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).parents[1]
ANSWER_SECONDS = 90


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _bare_path() -> str:
    """The venv's scripts and the base interpreter's folder: what `py -m pip install uv` leaves."""
    scripts = Path(sys.executable).parent
    base = Path(sys.base_prefix) if os.name == "nt" else Path(sys.base_prefix) / "bin"
    return os.pathsep.join([str(scripts), str(base)])


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def test_the_bare_path_has_uv_and_python_and_no_make() -> None:
    path = _bare_path()
    assert shutil.which("uv", path=path)
    assert shutil.which("python", path=path)
    assert shutil.which("make", path=path) is None


def test_uv_run_python_m_course_lab_starts_jupyterlab_without_make(tmp_path: Path) -> None:
    path = _bare_path()
    uv = shutil.which("uv", path=path)
    assert uv
    port = _free_port()
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PATH", "VIRTUAL_ENV", "MAKEFLAGS", "MAKELEVEL", "MFLAGS"}
    }
    environment |= {
        "PATH": path,
        "UV_OFFLINE": "1",  # the set is installed: a download would be a bug
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_NO_PROGRESS": "1",
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
    }
    command = [uv, "run", "python", "-m", "course", "lab", "--no-browser", f"--port={port}"]
    command += ["--ServerApp.port_retries=0"]
    had_workspace = (ROOT / "workspace").exists()
    log = tmp_path / "lab.log"
    with log.open("w") as output:
        lab = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=output,
            start_new_session=True,  # uv, python -m course and JupyterLab: one group to stop
        )
    try:
        deadline = time.monotonic() + ANSWER_SECONDS
        while not _answers(f"http://127.0.0.1:{port}/api"):
            if lab.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer (exit {lab.poll()}):\n{log.read_text()}")
            time.sleep(0.25)
        assert (ROOT / "workspace" / "00_welcome.ipynb").exists()
    finally:
        os.killpg(lab.pid, signal.SIGTERM)  # as a terminal's group gets it: JupyterLab shuts down
        try:
            lab.wait(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover - a hung shutdown
            os.killpg(lab.pid, signal.SIGKILL)
            lab.wait()
        if not had_workspace:
            shutil.rmtree(ROOT / "workspace", ignore_errors=True)
    deadline = time.monotonic() + 30  # JupyterLab may outlive uv by its shutdown
    while _answers(f"http://127.0.0.1:{port}/api") and time.monotonic() < deadline:
        time.sleep(0.25)
    assert not _answers(f"http://127.0.0.1:{port}/api")
    text = log.read_text()
    assert "Downloading" not in text and "Installed" not in text, text
