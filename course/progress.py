"""``await course.progress()``: the learner's progress table, from a cell (notebook 00)."""

from pathlib import Path

from course.learner import progress as learner_progress


async def progress(folder: Path | None = None) -> None:
    """Print each lesson's checks against the workspace cells of the notebooks in ``folder``
    (default: the folder this notebook runs in, so your workspace when you run it there)."""
    rows = await learner_progress.progress(folder or Path.cwd())
    print(learner_progress.table(rows))
