"""The wrong answers each lesson's checks are tested against, as a table per lesson.

Every ``tests/course/test_checks_nNN.py`` holds ``SKELETON`` (the workspace cell as published),
``WRONG`` (answers a learner could write: the anti-pattern the lesson teaches against, one that
hard-codes what the check expects, the likeliest slips) and ``check_cell(answer)``, which runs
the lesson's check cell on an answer as the notebook does. ``test_one_mistake.py`` walks them
all: one mistake gives one ✘, on the check that catches it, with words that name the mistake.
"""

from dataclasses import dataclass
from typing import Any

PASS, FAIL, WAIT = "✔", "✘", "·"
GENERIC = ("not answered yet", "see the first check", "Traceback")


@dataclass(frozen=True)
class Wrong:
    """A wrong answer, the check whose ✘ it must get, and words of that ✘ naming the mistake."""

    name: str
    answer: Any
    check: str  # the start of what the failing check verifies
    mistake: str  # words the ✘ line carries after it: the mistake, said so that it can be fixed


def marks(out: str) -> list[str]:
    """The mark of each check line: ✔, ✘ or ·."""
    return [line[0] for line in out.splitlines() if line[:2] in {f"{m} " for m in "✔✘·"}]


def crosses(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith(f"{FAIL} ")]


def one_cross(out: str) -> str:
    """The one ✘ line of a check cell's output (and nothing but check lines around it)."""
    assert "Traceback" not in out, out
    failed = crosses(out)
    assert len(failed) == 1, f"expected one ✘, got {len(failed)}:\n{out}"
    checks = out.split("(printed while checking)")[0].splitlines()
    stray = [line for line in checks if line[:2] not in {"✔ ", "✘ ", "· ", "  "}]
    assert not stray, f"lines that are no check: {stray}\n{out}"
    return failed[0]
