"""The suite's hang guard: a test that hangs ends its process and its stacks are reported."""

import os
import subprocess
import sys
from pathlib import Path

HUNG = """
import time


def test_hangs() -> None:
    time.sleep(30)
"""


def test_a_hung_test_fails_the_run_with_its_stacks(tmp_path: Path) -> None:
    (tmp_path / "test_hung.py").write_text(HUNG)
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).parents[1]),  # tests.hang_guard
        "PLAYGROUND_TEST_HANG_SECONDS": "1",
        "TMPDIR": str(tmp_path),  # the dumps of this run only
    }
    env.pop("COVERAGE_PROCESS_START", None)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.hang_guard", "-q", "-n", "1", "."],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,  # a loaded 2-core machine starts xdist slowly; the hang itself is 1 s
    )
    assert run.returncode == 1, run.stdout
    assert "worker 'gw0' crashed while running 'test_hung.py::test_hangs'" in run.stdout
    assert "hung: test_hung.py::test_hangs ran past 1.0 s:" in run.stdout
    assert "in test_hangs" in run.stdout  # the hung test's own frame, from faulthandler
    assert not list(tmp_path.glob("playground-hangs-*/*.txt"))  # reported, then removed
