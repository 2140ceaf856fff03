"""The learner's loop in a real JupyterLab, driven in headless Chromium (``tests/test_lab.py``).

What a learner does: ``python -m course lab`` on a workspace of their own, open a lesson,
Kernel → Restart Kernel and Run All Cells, type a wrong answer into the workspace cell, run it
and the check cell under it (a ✘, no traceback), type the right one (✔ on every check), save;
then a course update of that lesson carries the answer over. Playwright drives Debian's
chromium (no browser download), as the site's check does.
"""

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course.learner.workspace import CHECK_TAG, WORKSPACE_TAG, read, source, tagged
from course.maintain.lab_server import SETTINGS as SETTINGS
from course.maintain.lab_server import TOKEN as TOKEN
from course.maintain.lab_server import _free_port as _free_port
from course.maintain.lab_server import _stop_group as _stop_group
from course.maintain.lab_server import jupyterlab as jupyterlab

_SOLUTION_NAME = re.compile(r"\b(\w+)_solution\b")


@dataclass
class Step:
    what: str
    seconds: float


@dataclass
class LabRun:
    steps: list[Step] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    update_said: str = ""
    # Restarts that stuck in "starting" (a garbled websocket frame in jupyter_server under
    # heavy load, seen 1 run in 4 at a load of 10 on 2 cores), recovered by a reload.
    stuck_restarts: int = 0
    saved_unchanged: bool = False  # opened: JupyterLab found nothing to save

    def step(self, what: str, started: float) -> None:
        self.steps.append(Step(what, time.perf_counter() - started))


def exercise(lesson: Path) -> tuple[int, int, str, str]:
    """(workspace cell index, check cell index, its skeleton, the solution as an answer)."""
    notebook = read(lesson)
    cells = notebook["cells"]
    [workspace] = tagged(notebook, WORKSPACE_TAG)
    checks = tagged(notebook, CHECK_TAG)
    [solution] = tagged(notebook, "solution")
    answer = _SOLUTION_NAME.sub(r"\1", source(solution))
    return cells.index(workspace), cells.index(checks[0]), source(workspace), answer


def _cells(page: Any) -> Any:
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")


def _prompt(cell: Any) -> str:
    text: str = cell.locator(".jp-InputPrompt").first.inner_text()
    return text.strip()


def wait_idle(page: Any, cell: Any | None = None, *, timeout: float = 120) -> None:
    """Until the kernel is idle and no cell (or ``cell``) waits to run."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        idle = page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").count()
        prompts = (
            [_prompt(cell)]
            if cell is not None
            else page.evaluate(
                "() => Array.from(document.querySelectorAll("
                "'.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputPrompt')).map(e => e.innerText)"
            )
        )
        if idle and not any("*" in p for p in prompts):
            return
        page.wait_for_timeout(200)
    status = page.locator(".jp-Notebook-ExecutionIndicator").first.get_attribute("data-status")
    busy = [i for i, p in enumerate(prompts) if "*" in p]
    raise TimeoutError(f"the kernel stayed busy: status {status!r}, waiting cells {busy}")


def output_of(cell: Any) -> tuple[str, bool]:
    """A cell's printed output, and whether it shows an error or anything on stderr."""
    outputs = cell.locator(".jp-OutputArea-output")
    text = "\n".join(outputs.all_inner_texts())
    errors = cell.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
    ).count()
    return text, bool(errors) or "Traceback" in text


def type_into(page: Any, cell: Any, text: str) -> None:
    """Replace a code cell's text as a learner would (select all, then the new text)."""
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)


def run_cell_and_next(page: Any, workspace: Any, check: Any) -> None:
    """Shift+Enter in the workspace cell, then Shift+Enter in the check cell under it."""
    before = _prompt(check)
    type_focus = workspace.locator(".cm-content")
    type_focus.click()
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")
    deadline = time.monotonic() + 120
    while _prompt(check) in (before, "[*]:", "[ ]:") and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    wait_idle(page, check)


def run_all(page: Any, *, timeout: float = 120) -> None:
    """Kernel → Restart Kernel and Run All Cells… → Confirm, as a learner does; returns when
    the cells, once queued, have all run (the stored counts look the same as the new ones)."""
    page.get_by_role("menuitem", name="Kernel", exact=True).click()
    page.get_by_text("Restart Kernel and Run All Cells…", exact=True).click()
    page.locator(".jp-Dialog .jp-mod-accept").click()
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll("
        "'.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputPrompt'))"
        ".some(e => e.innerText.includes('*'))",
        timeout=60_000,
    )
    wait_idle(page, timeout=timeout)


def dirty(page: Any) -> bool:
    """Whether the open notebook's tab says it has unsaved changes."""
    found: int = page.locator(".lm-TabBar-tab.lm-mod-current.jp-mod-dirty").count()
    return found > 0


def save(page: Any) -> None:
    """File → Save Notebook."""
    page.get_by_role("menuitem", name="File", exact=True).click()
    page.locator(".lm-Menu-item:has-text('Save Notebook')").first.click()


def _editor_text(cell: Any) -> str:
    lines: list[str] = cell.locator(".cm-line").all_inner_texts()
    return "\n".join(lines)


def learner_loop(
    lesson: Path, wrong: str, scratch: Path, *, screenshots: Path | None = None
) -> LabRun:
    """The whole loop on ``lesson`` (a notebook file), in ``scratch``; what each step took."""
    from playwright.sync_api import sync_playwright

    from course.maintain.site_check import chromium

    executable = chromium()
    if executable is None:
        raise RuntimeError("Debian's chromium is not installed (/usr/bin/chromium)")
    run = LabRun()
    lessons, workspace = scratch / "lessons", scratch / "workspace"
    lessons.mkdir(parents=True)
    (lessons / lesson.name).write_bytes(lesson.read_bytes())
    at, check_at, _, answer = exercise(lesson)
    started = time.perf_counter()
    with jupyterlab(workspace, lessons, scratch / "settings") as url, sync_playwright() as p:
        run.step("python -m course lab: JupyterLab answers", started)
        browser = p.chromium.launch(executable_path=str(executable), headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            started = time.perf_counter()
            page.goto(f"{url}/lab/tree/{lesson.name}?token={TOKEN}")
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']")
            page.wait_for_timeout(1000)  # JupyterLab marks a changed model dirty at once
            run.saved_unchanged = not dirty(page)
            run.step("open the lesson (not marked unsaved)", started)
            started = time.perf_counter()
            try:
                run_all(page, timeout=90)
            except TimeoutError:  # what a learner does when a restart hangs: reload, again
                run.stuck_restarts += 1
                page.reload()
                page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']")
                run_all(page)
            run.step("Restart Kernel and Run All Cells", started)
            cells = _cells(page)
            workspace_cell, check_cell = cells.nth(at), cells.nth(check_at)
            for what, text in (("wrong", wrong), ("right", answer)):
                started = time.perf_counter()
                type_into(page, workspace_cell, text)
                run_cell_and_next(page, workspace_cell, check_cell)
                printed, error = output_of(check_cell)
                run.outputs[what] = printed + ("\n<error or stderr>" if error else "")
                run.step(f"type the {what} answer, run it and the check", started)
            started = time.perf_counter()
            copy = workspace / lesson.name
            save(page)
            deadline = time.monotonic() + 30
            while source(read(copy)["cells"][at]) != answer and time.monotonic() < deadline:
                page.wait_for_timeout(200)
            run.step("save", started)
            started = time.perf_counter()
            changed = read(lessons / lesson.name)
            first = changed["cells"][0]
            first["source"] = source(first) + "\n\n(A sentence the course added.)"
            (lessons / lesson.name).write_text(json.dumps(changed, indent=1, ensure_ascii=False))
            update = subprocess.run(
                [sys.executable, "-m", "course", "update"],
                env={
                    **os.environ,
                    "COURSE_WORKSPACE": str(workspace),
                    "COURSE_LESSONS": str(lessons),
                },
                capture_output=True,
                text=True,
                check=True,
            )
            run.update_said = update.stdout.strip()
            page.reload()
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']")
            cells = _cells(page)
            run.outputs["after update: workspace cell"] = _editor_text(cells.nth(at))
            run.outputs["after update: first cell"] = cells.nth(0).inner_text()
            run.step("a course update of the lesson, then reload", started)
        finally:
            if screenshots is not None:
                screenshots.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshots / "lab.png"), full_page=False)
            browser.close()
    return run
