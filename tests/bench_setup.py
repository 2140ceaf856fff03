"""`make bench`'s set-up section: each set installed from a fresh clone, cold and warm.

Cold: a fresh venv with empty caches (uv's and pip's: nothing downloaded before). Warm: a fresh
venv again, with the caches the cold run filled. Each run is the Makefile's own target in a
clone of this checkout's HEAD, so what is measured is what a learner or CI gets.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).parents[1]
LAB_ANSWER_SECONDS = 180


@dataclass
class SetUp:
    what: str
    how: str
    seconds: float
    packages: int
    megabytes: float


def venv_packages(venv: Path) -> int:
    """Distributions installed in a venv (its ``*.dist-info`` folders)."""
    return sum(1 for _ in venv.glob("lib/python*/site-packages/*.dist-info"))


def disk_megabytes(folder: Path) -> float:
    """What ``du`` counts: allocated blocks, a hard-linked file once."""
    seen: set[tuple[int, int]] = set()
    blocks = 0
    for path in folder.rglob("*"):
        info = path.lstat()
        if (info.st_dev, info.st_ino) not in seen:
            seen.add((info.st_dev, info.st_ino))
            blocks += info.st_blocks
    return blocks * 512 / 2**20


def _clone(into: Path) -> Path:
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(into)], check=True)
    return into


def _environment(caches: Path) -> dict[str, str]:
    caches.mkdir(exist_ok=True)
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "MAKE"))}
    environment |= {"UV_CACHE_DIR": str(caches / "uv"), "PIP_CACHE_DIR": str(caches / "pip")}
    environment["UV_NO_PROGRESS"] = "1"
    return environment


def _timed(command: list[str], cwd: Path, environment: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=environment, check=True, capture_output=True)
    return time.perf_counter() - started


def make_target(clone: Path, target: str, environment: dict[str, str]) -> float:
    """Seconds of ``make <target>`` in a clone whose .venv is removed first."""
    shutil.rmtree(clone / ".venv", ignore_errors=True)
    return _timed(["make", "--no-print-directory", target], clone, environment)


def pip_install(clone: Path, requirements: str, environment: dict[str, str]) -> float:
    """Seconds of the pip user's path: a venv, ``pip install -r``, the project without deps."""
    venv = clone / ".venv"
    shutil.rmtree(venv, ignore_errors=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=environment)
    for arguments in (["-r", requirements], ["--no-deps", "-e", "."]):
        subprocess.run(
            [*pip, *arguments], cwd=clone, env=environment, check=True, capture_output=True
        )
    return time.perf_counter() - started


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def lab_answers(clone: Path, environment: dict[str, str]) -> float:
    """Seconds from ``make lab`` in a clone with no .venv to JupyterLab answering on its port."""
    shutil.rmtree(clone / ".venv", ignore_errors=True)
    port = _free_port()
    arguments = f"LAB_ARGS=--no-browser --port={port} --ServerApp.port_retries=0"
    started = time.perf_counter()
    lab = subprocess.Popen(
        ["make", "--no-print-directory", "lab", arguments],
        cwd=clone,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # one group: make, uv and JupyterLab stop together
    )
    try:
        while time.perf_counter() - started < LAB_ANSWER_SECONDS:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api", timeout=1).status_code == 200:
                    return time.perf_counter() - started
            except httpx.TransportError:
                pass
            if lab.poll() is not None:
                raise SystemExit(f"bench: make lab exited {lab.returncode}")
            time.sleep(0.1)
        raise SystemExit(f"bench: JupyterLab did not answer in {LAB_ANSWER_SECONDS} s")
    finally:
        os.killpg(lab.pid, 15)
        lab.wait(timeout=30)


def set_up_times() -> tuple[list[SetUp], float, float]:
    """Each set by uv (make) and the maintainer's by pip, cold then warm; ``make lab`` to a
    JupyterLab that answers, cold; and a ``make install`` with nothing to do."""
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        clone = _clone(Path(folder) / "clone")
        venv = clone / ".venv"
        lab = lab_answers(clone, _environment(Path(folder) / "lab-caches"))
        for what, target in (("learner", "install-learner"), ("learner + maintainer", "install")):
            environment = _environment(Path(folder) / f"caches-{target}")
            for how in ("cold", "warm"):
                seconds = make_target(clone, target, environment)
                size = disk_megabytes(venv)
                rows.append(SetUp(what, f"uv, {how}", seconds, venv_packages(venv), size))
        noop = _timed(["make", "--no-print-directory", "install"], clone, environment)
        environment = _environment(Path(folder) / "caches-pip")
        for how in ("cold", "warm"):
            seconds = pip_install(clone, "requirements/maintainer.txt", environment)
            size = disk_megabytes(venv)
            packages = venv_packages(venv)
            rows.append(SetUp("learner + maintainer", f"pip, {how}", seconds, packages, size))
    return rows, lab, noop


def set_up_lines(rows: list[SetUp], lab: float, noop: float) -> list[str]:
    return [
        "## Set-up: the learner's set and the maintainer's",
        "",
        "From a clone of HEAD; each row a fresh `.venv`. *Cold*: empty uv and pip caches (every",
        "package downloaded); *warm*: the caches the cold run filled. uv rows are the Makefile's",
        "`make install-learner` (the learner's set, what `make lab` installs) and `make install`",
        "(both sets, compiled to bytecode, what `make test` installs), uv itself included (pip",
        "fetches it into the venv first); the pip rows install `requirements/maintainer.txt`.",
        "",
        "| set | how | seconds | packages | .venv (MB) |",
        "|---|---|---|---|---|",
        *(
            f"| {row.what} | {row.how} | {row.seconds:.1f} | {row.packages} | {row.megabytes:.0f} |"
            for row in rows
        ),
        "",
        f"- `make lab` in a fresh clone, empty caches, until JupyterLab answers: **{lab:.1f} s**",
        f"- `make install` again with the venv current (the stamp): {noop:.2f} s",
        "",
    ]


if __name__ == "__main__":  # `python -m tests.bench_setup`: this section alone, to stdout
    print("\n".join(set_up_lines(*set_up_times())))
