"""``python -m course lab|update|reset|progress``: the learner's commands, the same on every OS.

``lab``       bring the workspace up to date, then open JupyterLab on it (extra arguments go
              to JupyterLab, e.g. ``--no-browser --port 8899``)
``update``    bring the workspace up to date (new lessons in, answers carried), nothing else
``reset NN``  a fresh copy of lesson NN (the old one kept as a backup)
``progress``  each lesson's checks against your workspace cells, as a table
"""

import argparse
import asyncio
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

from course.learner import progress as learner_progress
from course.learner.workspace import ROOT, Workspace

PTH = "fastapi_playground_course.pth"


def put_course_on_path() -> Path:
    """Make ``import course`` work in this environment from any folder (a kernel's, say).

    The app's wheel ships ``playground`` only; the harness stays in the checkout, so the
    environment's site-packages gets a ``.pth`` line naming the checkout.
    """
    target = Path(sysconfig.get_path("purelib")) / PTH
    line = f"{ROOT}\n"
    if not target.exists() or target.read_text() != line:
        target.write_text(line)
    return target


def lab(arguments: list[str]) -> int:
    put_course_on_path()
    workspace = Workspace()
    print(f"workspace: {workspace.folder}", flush=True)
    workspace.update()
    command = [sys.executable, "-m", "jupyterlab", f"--notebook-dir={workspace.folder}"]
    if getattr(os, "geteuid", lambda: 1)() == 0:
        command.append("--allow-root")  # Jupyter refuses root unless told (containers, CI)
    return subprocess.call([*command, *arguments])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("lab", help="update the workspace and open JupyterLab on it")
    commands.add_parser("update", help="bring the workspace up to date, keeping your answers")
    reset = commands.add_parser("reset", help="a fresh copy of one lesson (backup kept)")
    reset.add_argument("lesson", help="its number (3, 03) or file name (03_db_validation)")
    commands.add_parser("progress", help="your checks, lesson by lesson")
    arguments, rest = parser.parse_known_args(argv)
    if arguments.command == "lab":
        return lab(rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    workspace = Workspace()
    if arguments.command == "update":
        put_course_on_path()
        if not workspace.update().lines:
            print("the workspace is up to date")
        return 0
    if arguments.command == "reset":
        try:
            lesson = workspace.find(arguments.lesson)
        except LookupError as exc:
            parser.error(str(exc))
        kept = workspace.reset(lesson)
        where = f"; the old copy is kept at {kept.relative_to(workspace.folder)}" if kept else ""
        print(f"reset     {lesson.name}{where}")
        return 0
    rows = asyncio.run(learner_progress.progress(workspace.folder))
    print(learner_progress.table(rows))
    return 0
