"""The learner's workspace: copies made, kept, updated with their answers, reset, set aside."""

import json
import sysconfig
from pathlib import Path
from typing import Any

import pytest

from course.learner import cli
from course.learner.workspace import ROOT, Workspace, read, source, version_of, write


def _lesson(
    folder: Path, name: str, *, task: str = "Write f.", skeleton: str = "def f(): ..."
) -> Path:
    cells: list[dict[str, Any]] = [
        {"cell_type": "markdown", "id": "task", "metadata": {}, "source": task},
        {
            "cell_type": "code",
            "id": "ws",
            "metadata": {"tags": ["workspace"]},
            "execution_count": 1,
            "outputs": [],
            "source": skeleton,
        },
        {
            "cell_type": "code",
            "id": "chk",
            "metadata": {"tags": ["check"]},
            "execution_count": 2,
            "outputs": [{"output_type": "stream", "name": "stdout", "text": "✘ f works: no\n"}],
            "source": "check(f)",
        },
    ]
    path = folder / name
    folder.mkdir(parents=True, exist_ok=True)
    write(path, {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    return path


def _answer(copy: Path, text: str) -> None:
    notebook = read(copy)
    notebook["cells"][1]["source"] = text
    write(copy, notebook)


@pytest.fixture
def lessons(tmp_path: Path) -> Path:
    _lesson(tmp_path / "notebooks", "03_db.ipynb")
    _lesson(tmp_path / "notebooks", "04_deps.ipynb")
    return tmp_path / "notebooks"


@pytest.fixture
def workspace(tmp_path: Path, lessons: Path) -> Workspace:
    return Workspace(folder=tmp_path / "workspace", lessons=lessons)


def test_the_first_update_copies_every_lesson_and_records_its_version(
    workspace: Workspace, lessons: Path
) -> None:
    report = workspace.update()
    assert report.lines == ["new       03_db.ipynb", "new       04_deps.ipynb"]
    copy = read(workspace.folder / "03_db.ipynb")
    assert copy["metadata"]["course"] == {
        "lesson": "03_db.ipynb",
        "version": version_of(lessons / "03_db.ipynb"),
    }
    assert workspace.update().lines == []  # nothing changed: nothing to say


def test_learning_never_touches_the_lessons(workspace: Workspace, lessons: Path) -> None:
    before = {p.name: p.read_bytes() for p in lessons.iterdir()}
    workspace.update()
    _answer(workspace.folder / "03_db.ipynb", "def f(): return 1")
    workspace.update()
    workspace.reset(workspace.find("3"))
    assert {p.name: p.read_bytes() for p in lessons.iterdir()} == before


def test_a_copy_never_edited_is_replaced_by_the_new_lesson(
    workspace: Workspace, lessons: Path
) -> None:
    workspace.update()
    copy = workspace.folder / "03_db.ipynb"
    ran = read(copy)
    ran["cells"][2]["outputs"] = []  # running cells and saving is no edit
    ran["metadata"]["kernelspec"] = {"name": "python3"}
    write(copy, ran)
    _lesson(lessons, "03_db.ipynb", task="Write f, then g.")
    assert workspace.update().lines == ["updated   03_db.ipynb (you had not edited it)"]
    assert source(read(copy)["cells"][0]) == "Write f, then g."
    assert not workspace.backups.exists()


def test_an_edited_copy_of_a_changed_lesson_keeps_the_answer_and_a_backup(
    workspace: Workspace, lessons: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace.update()
    copy = workspace.folder / "03_db.ipynb"
    _answer(copy, "def f():\n    return 42")
    _lesson(lessons, "03_db.ipynb", task="Write f (now with a hint).")
    capsys.readouterr()
    [line] = workspace.update().lines
    assert line.startswith("updated   03_db.ipynb: carried your 1 workspace cell(s) over;")
    assert "your old copy is kept at .course/backup/03_db." in line
    assert capsys.readouterr().out == line + "\n"  # printed, as it happened
    updated = read(copy)
    assert source(updated["cells"][0]) == "Write f (now with a hint)."
    assert source(updated["cells"][1]) == "def f():\n    return 42"
    assert updated["metadata"]["course"]["version"] == version_of(lessons / "03_db.ipynb")
    [backup] = workspace.backups.iterdir()
    assert source(read(backup)["cells"][0]) == "Write f."
    assert source(read(backup)["cells"][1]) == "def f():\n    return 42"


def test_a_workspace_cell_the_new_version_dropped_is_named_and_kept(
    workspace: Workspace, lessons: Path
) -> None:
    workspace.update()
    _answer(workspace.folder / "03_db.ipynb", "def f(): return 1")
    path = lessons / "03_db.ipynb"
    lesson = read(path)
    lesson["cells"][1]["id"] = "another-id"
    write(path, lesson)
    [line] = workspace.update().lines
    assert "carried your 0 workspace cell(s) over; 1 had no place in the new version" in line
    [backup] = workspace.backups.iterdir()
    assert source(read(backup)["cells"][1]) == "def f(): return 1"


def test_an_unreadable_copy_is_set_aside_never_overwritten(workspace: Workspace) -> None:
    workspace.update()
    copy = workspace.folder / "04_deps.ipynb"
    copy.write_text('{"cells": [ truncated by a crash')
    [line] = workspace.update().lines
    assert line.startswith("set aside 04_deps.ipynb: it could not be read (JSONDecodeError);")
    [kept] = workspace.backups.iterdir()
    assert kept.read_text() == '{"cells": [ truncated by a crash'
    assert read(copy)["cells"][1]["source"] == "def f(): ..."


def test_reset_gives_a_fresh_copy_and_keeps_the_old(workspace: Workspace) -> None:
    workspace.update()
    _answer(workspace.folder / "04_deps.ipynb", "def f(): return 'mine'")
    kept = workspace.reset(workspace.find("04_deps"))
    assert kept is not None and source(read(kept)["cells"][1]) == "def f(): return 'mine'"
    assert source(read(workspace.folder / "04_deps.ipynb")["cells"][1]) == "def f(): ..."
    again = workspace.reset(workspace.find("04"))
    assert again is not None and again != kept  # a second reset keeps both backups
    assert len(list(workspace.backups.iterdir())) == 2


def test_find_takes_a_number_or_a_name(workspace: Workspace) -> None:
    assert workspace.find("3").name == workspace.find("03_db.ipynb").name == "03_db.ipynb"
    with pytest.raises(LookupError):
        workspace.find("99")


def test_the_command_line_update_reset_and_a_bad_lesson(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "Workspace", lambda: workspace)
    monkeypatch.setattr(cli, "put_course_on_path", lambda: Path("unused"))
    assert cli.main(["update"]) == 0
    assert cli.main(["update"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "the workspace is up to date"
    assert cli.main(["reset", "3"]) == 0
    assert capsys.readouterr().out.startswith("reset     03_db.ipynb; the old copy is kept at")
    with pytest.raises(SystemExit):
        cli.main(["reset", "77"])
    assert "no lesson '77'" in capsys.readouterr().err


def test_the_course_goes_on_the_environments_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sysconfig, "get_path", lambda name: str(tmp_path))
    pth = cli.put_course_on_path()
    assert pth.read_text() == f"{ROOT}\n"
    assert (Path(pth.read_text().strip()) / "course" / "__init__.py").exists()


def test_the_checkout_ignores_the_workspace() -> None:
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "workspace/" in ignored
    assert json.loads((ROOT / "notebooks" / "03_db_validation.ipynb").read_text())["cells"]
