"""The learner's workspace: copies of the lessons that learning may change, kept up to date.

``notebooks/`` holds the lessons as published; ``workspace/`` (git-ignored) holds the learner's
copies. Each copy records the version (a digest of the lesson file) it was made from, and the
lesson as it was then is kept in ``workspace/.course/base/`` so that an update can tell whether
the learner edited the copy. Nothing a learner wrote is ever deleted: a replaced or unreadable
copy goes to ``workspace/.course/backup/`` first.
"""

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
LESSONS = ROOT / "notebooks"
WORKSPACE = ROOT / "workspace"
WORKSPACE_TAG = "workspace"  # the cell a learner writes their answer in
CHECK_TAG = "check"  # the cell that checks it, right after


@dataclass
class Report:
    """What an update did, one line per lesson it touched."""

    lines: list[str] = field(default_factory=list)

    def say(self, line: str) -> None:
        self.lines.append(line)
        print(line, flush=True)


def version_of(lesson: Path) -> str:
    return hashlib.sha256(lesson.read_bytes()).hexdigest()[:16]


def read(path: Path) -> dict[str, Any]:
    notebook: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(notebook.get("cells"), list):
        raise ValueError("no list of cells")
    return notebook


def write(path: Path, notebook: dict[str, Any]) -> None:
    text = json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    path.write_text(text, encoding="utf-8")


def source(cell: dict[str, Any]) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else str(text)


def tagged(notebook: dict[str, Any], tag: str) -> list[dict[str, Any]]:
    return [c for c in notebook["cells"] if tag in c.get("metadata", {}).get("tags", [])]


def sources(notebook: dict[str, Any]) -> list[tuple[str, str, str]]:
    """What a learner can edit: each cell's id, type and source (outputs and metadata aside)."""
    return [(c.get("id", ""), c.get("cell_type", ""), source(c)) for c in notebook["cells"]]


class Workspace:
    """A learner's copies of the lessons in ``folder``, made from ``lessons`` (by default the
    checkout's ``workspace/`` and ``notebooks/``, or ``COURSE_WORKSPACE`` and ``COURSE_LESSONS``
    when set: a second workspace, or a test's)."""

    def __init__(self, folder: Path | None = None, lessons: Path | None = None) -> None:
        self.folder: Path = folder or Path(os.environ.get("COURSE_WORKSPACE", WORKSPACE))
        self.lessons: Path = lessons or Path(os.environ.get("COURSE_LESSONS", LESSONS))
        self.base = self.folder / ".course" / "base"
        self.backups = self.folder / ".course" / "backup"

    def lesson_files(self) -> list[Path]:
        return sorted(self.lessons.glob("[0-9][0-9]_*.ipynb"))

    def copy_of(self, lesson: Path) -> Path:
        return self.folder / lesson.name

    def _fresh(self, lesson: Path) -> dict[str, Any]:
        notebook = read(lesson)
        notebook.setdefault("metadata", {})["course"] = {
            "lesson": lesson.name,
            "version": version_of(lesson),
        }
        return notebook

    def _place(self, lesson: Path, notebook: dict[str, Any]) -> None:
        """Write the learner's copy and remember the lesson it was made from."""
        self.base.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(lesson, self.base / lesson.name)
        write(self.copy_of(lesson), notebook)

    def backup(self, copy: Path, why: str) -> Path:
        """Move ``copy`` aside (never delete it); returns where it went."""
        self.backups.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.backups / f"{copy.stem}.{stamp}.{why}{copy.suffix}"
        counter = 1
        while target.exists():
            target = self.backups / f"{copy.stem}.{stamp}.{why}-{counter}{copy.suffix}"
            counter += 1
        shutil.move(str(copy), target)
        return target

    def edited(self, lesson: Path, copy: dict[str, Any]) -> bool:
        """Whether the learner changed any cell of the copy (running cells is no edit)."""
        base = self.base / lesson.name
        try:
            return sources(copy) != sources(read(base))
        except (OSError, ValueError):
            return True  # no record of what it was made from: treat it as the learner's work

    def update(self) -> Report:
        """Bring every lesson in; replace copies never edited; carry answers into changed ones."""
        report = Report()
        self.folder.mkdir(parents=True, exist_ok=True)
        for lesson in self.lesson_files():
            self._update_one(lesson, report)
        return report

    def _update_one(self, lesson: Path, report: Report) -> None:
        path = self.copy_of(lesson)
        if not path.exists():
            self._place(lesson, self._fresh(lesson))
            report.say(f"new       {lesson.name}")
            return
        try:
            copy = read(path)
        except (OSError, ValueError) as exc:
            kept = self.backup(path, "unreadable")
            self._place(lesson, self._fresh(lesson))
            report.say(
                f"set aside {lesson.name}: it could not be read ({type(exc).__name__}); "
                f"the file is kept at {kept.relative_to(self.folder)}; a fresh copy is in place"
            )
            return
        if copy.get("metadata", {}).get("course", {}).get("version") == version_of(lesson):
            return
        if not self.edited(lesson, copy):
            self._place(lesson, self._fresh(lesson))
            report.say(f"updated   {lesson.name} (you had not edited it)")
            return
        fresh = self._fresh(lesson)
        carried, orphans = carry_answers(copy, fresh)
        kept = self.backup(path, "before-update")
        self._place(lesson, fresh)
        line = f"updated   {lesson.name}: carried your {carried} workspace cell(s) over"
        if orphans:
            line += f"; {orphans} had no place in the new version"
        report.say(f"{line}; your old copy is kept at {kept.relative_to(self.folder)}")

    def reset(self, lesson: Path) -> Path | None:
        """A fresh copy of one lesson; the old one, if any, goes to the backups."""
        path = self.copy_of(lesson)
        kept = self.backup(path, "before-reset") if path.exists() else None
        self._place(lesson, self._fresh(lesson))
        return kept

    def find(self, name: str) -> Path:
        """A lesson by number (``3``, ``03``) or file name (``03_db_validation``)."""
        key = name.removesuffix(".ipynb")
        key = key.zfill(2) if key.isdigit() else key
        for lesson in self.lesson_files():
            if lesson.stem == key or lesson.name[:2] == key:
                return lesson
        raise LookupError(f"no lesson {name!r} in {self.lessons}")


def carry_answers(old: dict[str, Any], new: dict[str, Any]) -> tuple[int, int]:
    """Put ``old``'s workspace cells into ``new`` (matched by cell id): (carried, with no place)."""
    by_id = {cell.get("id"): cell for cell in new["cells"]}
    carried = orphans = 0
    for cell in tagged(old, WORKSPACE_TAG):
        target = by_id.get(cell.get("id"))
        if target is None or target.get("cell_type") != cell.get("cell_type"):
            orphans += 1
            continue
        target["source"] = cell.get("source", "")
        if target.get("cell_type") == "code":
            target["outputs"], target["execution_count"] = [], None
        carried += 1
    return carried, orphans
