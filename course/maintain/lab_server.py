"""JupyterLab for the browser test: ``python -m course lab`` on a scratch workspace, stopped
as one process group."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TOKEN = "lab-check"
SETTINGS = {
    # Every cell in the page (JupyterLab 4 renders only the visible ones by default), so the
    # check can read any cell's output; nothing else of the learner's view changes.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def jupyterlab(workspace: Path, lessons: Path, settings: Path) -> Iterator[str]:
    """``python -m course lab`` on ``workspace`` (lessons from ``lessons``): its base URL."""
    for name, values in SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port = _free_port()
    env = {
        **os.environ,
        "COURSE_WORKSPACE": str(workspace),
        "COURSE_LESSONS": str(lessons),
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
    }
    # A learner's JupyterLab: the lessons run on SQLite, even inside `make test-postgres`.
    env.pop("PLAYGROUND_TEST_DATABASE_URL", None)
    log = (workspace.parent / "lab.log").open("w")
    arguments = ["--no-browser", f"--port={port}", f"--IdentityProvider.token={TOKEN}"]
    process = subprocess.Popen(
        [sys.executable, "-m", "course", "lab", *arguments],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # JupyterLab and its kernels: one group, stopped together
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not answer: {log.name}") from None
                time.sleep(0.2)
        yield url
    finally:
        _stop_group(process)
        log.close()


def _stop_group(process: "subprocess.Popen[bytes]") -> None:
    """SIGTERM to JupyterLab's whole process group, SIGKILL what is left after 15 s."""
    import signal

    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
            try:
                os.killpg(process.pid, 0)  # kernels of the group still there?
            except ProcessLookupError:
                return
        except subprocess.TimeoutExpired:
            continue
