"""Checked exercises: run checks against a learner's code, one line per check, no traceback.

A notebook's check cell reads like::

    from course.checks import n05
    await course.check(n05.decode_once(my_dependency))

Each ``Check`` holds what it verifies, a hint for when it fails, and a test: a function (sync
or async) that raises ``AssertionError`` (or anything else) or returns ``False`` to fail.
"""

import inspect
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

PASS = "✔"
FAIL = "✘"


class Unanswered(AssertionError):
    """The workspace still holds the skeleton's ``...``."""


@dataclass(frozen=True)
class Check:
    what: str
    hint: str
    test: Callable[[], Awaitable[object] | object]


def answered(value: Any) -> Any:
    """``value`` itself, unless it is still the skeleton's ``...`` (or a function body of it)."""
    if value is Ellipsis or value is None:
        raise Unanswered("not answered yet")
    return value


async def _passes(check: Check) -> tuple[bool, str]:
    try:
        result = check.test()
        if inspect.isawaitable(result):
            result = await result
    except Unanswered:
        return False, "not answered yet: replace the `...`"
    except AssertionError as exc:
        return False, str(exc) or check.hint
    except Exception as exc:  # a learner's bug is a failed check, not a traceback
        return False, f"{type(exc).__name__}: {exc}"
    if result is False:
        return False, check.hint
    return True, ""


async def check(*checks: Check | Iterable[Check], of: str | None = None) -> None:
    """Run the checks in order and print ``✔ what``, or ``✘ what: why`` and a hint.

    ``of`` names what is checked when it is not the learner's answer (``of="the solution"``).
    """
    if of is not None:
        print(f"checking {of}:")
    flat: list[Check] = []
    for item in checks:
        flat.extend([item] if isinstance(item, Check) else item)
    for one in flat:
        ok, why = await _passes(one)
        print(f"{PASS} {one.what}" if ok else f"{FAIL} {one.what}: {why}")
        if not ok and why != one.hint:
            print(f"  hint: {one.hint}")
