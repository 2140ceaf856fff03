"""The suite's hang guard: a test that hangs ends its process and its stacks are reported."""

import subprocess
import sys
from pathlib import Path

HUNG = """
import time


def test_hangs() -> None:
    time.sleep(30)
"""


def test_a_hung_test_fails_the_run_with_its_stacks(tmp_path: Path) -> None:
    root = Path(__file__).parents[1]
    (tmp_path / "test_hung.py").write_text(HUNG)
    conftest = (root / "tests" / "conftest.py").read_text()
    assert "HANG_SECONDS = 240" in conftest
    quick = conftest.replace("HANG_SECONDS = 240", "HANG_SECONDS = 1")
    (tmp_path / "conftest.py").write_text(quick)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-n", "1", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1, run.stdout
    assert "worker 'gw0' crashed while running 'test_hung.py::test_hangs'" in run.stdout
    assert "hung: test_hung.py::test_hangs ran past 1 s:" in run.stdout
    assert "in test_hangs" in run.stdout  # the hung test's own frame, from faulthandler
