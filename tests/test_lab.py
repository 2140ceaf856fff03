"""The learner's loop in a real JupyterLab in headless Chromium (course/maintain/lab_check.py)."""

import subprocess
from pathlib import Path

import pytest

from course.maintain import lab_check, site_check

ROOT = Path(__file__).parents[1]
LESSON = ROOT / "notebooks" / "03_db_validation.ipynb"
# The slip the lesson warns about: the user is looked up, but a missing one is not a 404.
WRONG = """async def valid_user_id(user_id: uuid.UUID, session: SessionDep) -> auth_models.AuthUser:
    return await auth_service.get_by_id(session=session, user_id=user_id)"""


def _status() -> str:
    done = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout if done.returncode == 0 else "(no git checkout)"


def test_a_learner_runs_all_answers_saves_and_updates(tmp_path: Path) -> None:
    if site_check.chromium() is None:
        pytest.skip("Debian's chromium is not installed (make chromium installs it as root)")
    before = _status()
    run = lab_check.learner_loop(LESSON, WRONG, tmp_path, screenshots=tmp_path / "shots")
    assert run.saved_unchanged, (
        "opening the lesson marked it unsaved: its metadata is not JupyterLab's"
    )
    wrong, right = run.outputs["wrong"], run.outputs["right"]
    assert "✘ an unknown id: 404 USER_NOT_FOUND" in wrong
    assert all(line.startswith(("✔", "✘", "· ", "  hint: ")) for line in wrong.splitlines() if line)
    assert right.count("✔") == 4 and "✘" not in right and "<error" not in right
    assert "carried your 1 workspace cell(s) over" in run.update_said
    assert "raise UserNotFound()" in run.outputs["after update: workspace cell"]
    assert "(A sentence the course added.)" in run.outputs["after update: first cell"]
    assert _status() == before  # learning changed nothing in the checkout
    assert run.stuck_restarts <= 1  # JupyterLab's own hang, recovered once by a reload
    steps = {step.what: step.seconds for step in run.steps}
    assert sum(steps.values()) < 240, steps
