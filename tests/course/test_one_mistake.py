"""One mistake gives one ✘, with the words for that mistake (issue 21).

Walks the table of wrong answers in every ``test_checks_nNN.py`` (see ``wrong.py``): each wrong
answer, run through its lesson's check cell, gets exactly one ✘, on the check that catches that
mistake, saying what the mistake is (never "not answered yet" or a pointer to another check);
the checks that would only repeat it wait (``·``). The skeleton as published gets one ✘ too.
"""

import importlib
from pathlib import Path
from types import ModuleType

import pytest

from course import checks
from tests.course import wrong

HERE = Path(__file__).parent
LESSONS = sorted(path.stem for path in HERE.glob("test_checks_n[0-9][0-9].py"))


def _lesson(name: str) -> ModuleType:
    return importlib.import_module(f"tests.course.{name}")


CASES = [
    pytest.param(name, case, id=f"{name.removeprefix('test_checks_')}-{case.name}")
    for name in LESSONS
    for case in getattr(_lesson(name), "WRONG", [])  # a lesson without one: the test below
]


def test_every_lesson_with_checks_has_a_table_of_wrong_answers() -> None:
    lessons = sorted(p.stem for p in Path(checks.__file__).parent.glob("n[0-9][0-9].py"))
    assert [f"test_checks_{lesson}" for lesson in lessons] == LESSONS
    for name in LESSONS:
        table = _lesson(name).WRONG
        assert len(table) >= 3, f"{name}: {len(table)} wrong answers; at least three"
        assert len({case.name for case in table}) == len(table), f"{name}: names repeat"
        for case in table:
            assert case.mistake and not case.mistake.startswith(wrong.GENERIC), case


@pytest.mark.parametrize(("lesson", "case"), CASES)
async def test_one_mistake_gives_one_cross_that_names_it(
    lesson: str, case: wrong.Wrong, capsys: pytest.CaptureFixture[str]
) -> None:
    await _lesson(lesson).check_cell(case.answer)
    out = capsys.readouterr().out
    cross = wrong.one_cross(out)
    assert cross.startswith(f"{wrong.FAIL} {case.check}"), f"the ✘ is on another check:\n{out}"
    said = cross.removeprefix(f"{wrong.FAIL} {case.check}")
    assert case.mistake in said, f"the ✘ does not say {case.mistake!r}:\n{out}"
    assert not any(generic in said for generic in wrong.GENERIC), out


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda name: name.removeprefix("test_checks_"))
async def test_the_skeleton_gets_one_cross_and_the_rest_waits_or_passes(
    lesson: str, capsys: pytest.CaptureFixture[str]
) -> None:
    await _lesson(lesson).check_cell(_lesson(lesson).SKELETON)
    out = capsys.readouterr().out
    wrong.one_cross(out)
    assert wrong.marks(out)[0] in {wrong.PASS, wrong.FAIL}, out
