"""``make test-stress``: the lessons that time things, run again and again beside CPU hogs.

A learner's laptop is busy (a browser, a build, a video call); a timing assert must hold there.
Each lesson in ``TIMED`` runs under strict nbval ``--runs`` times, serially, while ``--hogs``
processes spin on the CPU; the table says how many runs failed, and which cells (goal: none).
"""

import argparse
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).parents[2]
NOTEBOOKS = ROOT / "notebooks"
# Lessons whose asserts rest on time (walls, ratios, waits); a test keeps this list complete.
TIMED = ("07", "15", "16", "17", "19", "21", "22", "25")
TIMING = re.compile(r"perf_counter|monotonic|\.wall\b|best_(?:of|time)\(|timed\(|elapsed")
NBVAL = [
    "--nbval",
    "--nbval-sanitize-with",
    str(ROOT / "course" / "maintain" / "nbval_sanitize.cfg"),
    "--nbval-current-env",
    "--nbval-cell-timeout",
    "120",
    "-p",
    "course.maintain.nbval_ipc",
]
_FAILED = re.compile(r"^FAILED .*::(Cell \d+)", re.MULTILINE)


@dataclass
class Tally:
    lesson: str
    runs: int = 0
    failures: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


def timed_lessons() -> list[Path]:
    return [p for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")) if p.name[:2] in TIMED]


def run_once(notebook: Path) -> tuple[bool, list[str], float]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *NBVAL, str(notebook)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode == 0, _FAILED.findall(done.stdout), time.perf_counter() - started


def stress(notebooks: list[Path], *, runs: int, hogs: int) -> list[Tally]:
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(hogs)]
    tallies = []
    try:
        for notebook in notebooks:
            tally = Tally(notebook.stem)
            for _ in range(runs):
                ok, cells, seconds = run_once(notebook)
                tally.runs += 1
                tally.seconds.append(seconds)
                if not ok:
                    tally.failures.append(", ".join(cells) or "the run failed")
            print(row(tally), flush=True)
            tallies.append(tally)
    finally:
        for spinner in spinners:
            spinner.terminate()
            spinner.wait()
    return tallies


def row(tally: Tally) -> str:
    worst = max(tally.seconds, default=0.0)
    failed = (
        f"{len(tally.failures)} failed ({'; '.join(tally.failures)})"
        if tally.failures
        else "0 failed"
    )
    return f"{tally.lesson:<32} {tally.runs} runs, {failed}, slowest {worst:.1f} s"


def main(arguments: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--hogs", type=int, default=2)
    parser.add_argument("lessons", nargs="*", help="lesson numbers (default: every timed one)")
    options = parser.parse_args(arguments)
    notebooks = timed_lessons()
    if options.lessons:
        notebooks = [p for p in notebooks if p.name[:2] in {n.zfill(2) for n in options.lessons}]
    print(f"{len(notebooks)} lessons x {options.runs} runs beside {options.hogs} CPU hogs")
    tallies = stress(notebooks, runs=options.runs, hogs=options.hogs)
    failed = sum(len(t.failures) for t in tallies)
    print(f"{failed} failed runs of {sum(t.runs for t in tallies)}")
    return 1 if failed else 0


if __name__ == "__main__":  # pragma: no cover - `make test-stress`
    sys.exit(main())
