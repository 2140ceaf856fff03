"""``make test-latest``: the whole suite on the newest release of every dependency.

A canary, not a test of the pins: in a throwaway virtual environment (``build/latest/venv``)
it installs, with pip, the newest releases of every package ``pyproject.toml`` names (the app's
dependencies and the learner and maintainer groups, ignoring uv.lock), runs ``tests/`` and
every notebook under strict nbval, and writes
``build/latest-report.md``: the versions tried against the pinned ones, which tests and which
notebook cells changed, with the first lines of each output diff. It exits non-zero when
anything failed and never touches ``uv.lock`` or ``requirements/``.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from course.maintain.latest_report import Version, read_failures, write_report

ROOT = Path(__file__).parents[2]
BUILD = ROOT / "build"
FAILURES_ENV = "PLAYGROUND_LATEST_FAILURES"
NBVAL = [
    "--nbval",
    "--nbval-sanitize-with",
    "course/maintain/nbval_sanitize.cfg",
    "--nbval-current-env",
    "--nbval-cell-timeout",
    "120",
    "-p",
    "course.maintain.nbval_ipc",
]
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?")
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(pyproject: Path, groups: tuple[str, ...] = ("learner", "maintainer")) -> list[str]:
    """Every requirement ``pyproject.toml`` names (the app's and its dependency groups'), with
    its extras and without any version."""
    config = tomllib.loads(pyproject.read_text())
    project = config["project"]
    names = list(project["dependencies"])
    for group in groups:
        names += _group(config.get("dependency-groups", {}), group)
    found: dict[str, str] = {}
    for requirement in names:
        match = _REQUIREMENT.match(requirement)
        assert match, requirement
        name, wanted = normalize(match[1]), match[2] or ""
        if name == normalize(project["name"]):
            continue  # the project itself, for an extra of its own ("playground[prod]")
        if wanted or name not in found:
            found[name] = name + wanted
    return sorted(found.values())


def _group(groups: dict[str, list[Any]], name: str) -> list[str]:
    """A PEP 735 dependency group's requirements, an ``{include-group = ...}`` followed."""
    found: list[str] = []
    for entry in groups.get(name, []):
        found += _group(groups, entry["include-group"]) if isinstance(entry, dict) else [entry]
    return found


def name_of(requirement: str) -> str:
    """``pydantic[email]`` -> ``pydantic``."""
    return requirement.split("[", 1)[0]


def pins(path: Path) -> dict[str, str]:
    """``name -> version`` of a pinned requirements file."""
    found = {}
    for line in path.read_text().splitlines():
        match = _PIN.match(line.strip())
        if match:
            found[normalize(match[1])] = match[2]
    return found


def versions(pinned: dict[str, str], tried: dict[str, str], direct: set[str]) -> list[Version]:
    """Every package of either set; the ones pyproject names first."""
    names = sorted(set(pinned) | set(tried), key=lambda name: (name not in direct, name))
    return [Version(n, pinned.get(n), tried.get(n), n in direct) for n in names]


def installed(python: Path) -> dict[str, str]:
    """``name -> version`` of what is installed in the environment of ``python``."""
    listing = subprocess.run(
        [str(python), "-m", "pip", "list", "--format=json", "--disable-pip-version-check"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {normalize(item["name"]): item["version"] for item in json.loads(listing)}


def prepare(venv: Path, base_python: str, names: list[str]) -> Path:  # pragma: no cover
    """A fresh environment with the newest release of every name, and the project (editable).
    Only `make test-latest` runs it: it creates a venv and installs from the registry."""
    if venv.exists():
        shutil.rmtree(venv)
    subprocess.run([base_python, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "--upgrade", "--upgrade-strategy", "eager", *names], check=True)
    subprocess.run([*pip, "--no-deps", "-e", str(ROOT)], check=True)
    subprocess.run(
        [str(python), "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return python


def run_suite(python: Path, failures: Path, log: Path, workers: str) -> int:
    """pytest over tests/ and notebooks/ under strict nbval; failures go to ``failures``."""
    failures.unlink(missing_ok=True)
    environment = {**os.environ, FAILURES_ENV: str(failures), "PYTHONPATH": str(ROOT)}
    environment.pop("COVERAGE_PROCESS_START", None)
    command = [str(python), "-m", "pytest", "-q", "-p", "course.maintain.latest"]
    command += ["-n", workers, "--dist", "loadfile", *NBVAL, "tests", "notebooks"]
    with log.open("w") as output:
        return subprocess.run(
            command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT
        ).returncode


def pytest_runtest_logreport(report: Any) -> None:
    """A pytest hook (``-p course.maintain.latest``): record every failure as a JSON line."""
    path = os.environ.get(FAILURES_ENV)
    # Under xdist the controller sees every worker's reports: record them there, once.
    if path and report.failed and "PYTEST_XDIST_WORKER" not in os.environ:
        record = {"nodeid": report.nodeid, "when": report.when, "text": report.longreprtext}
        with open(path, "a") as output:
            output.write(json.dumps(record) + "\n")


def main(arguments: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="The suite on the newest releases.")
    parser.add_argument("--python", default=sys.executable, help="the interpreter for the venv")
    parser.add_argument("--workers", default="auto", help="pytest-xdist workers")
    parser.add_argument("--report", type=Path, default=BUILD / "latest-report.md")
    parser.add_argument("--work", type=Path, default=BUILD / "latest", help="venv, log, failures")
    options = parser.parse_args(arguments)
    work: Path = options.work
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    names = requirements(ROOT / "pyproject.toml")
    print(f"test-latest: installing the newest releases of {len(names)} packages in {work}/venv")
    python = prepare(work / "venv", options.python, names)
    print(f"test-latest: tests/ and every notebook under strict nbval (log: {work}/pytest.log)")
    exit_code = run_suite(python, work / "failures.jsonl", work / "pytest.log", options.workers)
    direct = {name_of(name) for name in names}
    rows = versions(pins(ROOT / "requirements" / "maintainer.txt"), installed(python), direct)
    rows = [row for row in rows if row.name not in {"playground", "pip"}]
    failures = read_failures(work / "failures.jsonl")
    version = subprocess.run(
        [str(python), "-c", "import platform; print(platform.python_version())"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    write_report(
        options.report,
        rows=rows,
        failures=failures,
        exit_code=exit_code,
        seconds=time.perf_counter() - started,
        python=version,
        when=datetime.now(UTC),
    )
    print(f"test-latest: report in {options.report}")
    if exit_code != 0 or failures:
        cells = sum(failure.is_cell for failure in failures)
        raise SystemExit(
            f"test-latest: FAILED on the newest releases: {len(failures) - cells} test(s), "
            f"{cells} notebook cell(s) changed (pytest exit {exit_code}); see {options.report}"
        )
    print("test-latest: the whole suite passes on the newest releases")


if __name__ == "__main__":  # pragma: no cover - `make test-latest`
    main()
