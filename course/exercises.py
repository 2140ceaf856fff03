"""Checked exercises: run checks against a learner's code, one line per check, no traceback.

A notebook's check cell reads like::

    from course.checks import n05
    await course.check(n05.decode_once(my_dependency))

Each ``Check`` holds what it verifies, a hint for when it fails, and a test: a function (sync
or async) that raises ``AssertionError`` (or anything else) or returns ``False`` to fail.

One mistake gives one ✘. A check that is only meaningful once others pass names them in
``needs``; while one of them has not passed, it does not run and prints a neutral line,
``· what: waits for the check above``. Until the learner has answered (a check raised
``Unanswered``), nothing after it runs either: ``· what: waits for an answer``. Checks that
catch different mistakes stay independent: each gets its own ✔ or ✘.
"""

import ast
import contextlib
import inspect
import io
import logging
import textwrap
import warnings
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

PASS = "✔"
FAIL = "✘"
WAIT = "·"  # a check that did not run: what it needs has not passed yet


class Unanswered(AssertionError):
    """The workspace still holds the skeleton's ``...``."""


@dataclass(frozen=True, eq=False)  # compared by identity: ``needs`` names the very checks
class Check:
    what: str
    hint: str
    test: Callable[[], Awaitable[object] | object]
    needs: "Check | tuple[Check, ...]" = ()  # earlier checks this one is meaningless without

    @property
    def needed(self) -> tuple["Check", ...]:
        return (self.needs,) if isinstance(self.needs, Check) else tuple(self.needs)


def answered(value: Any) -> Any:
    """``value`` itself, unless it is still the skeleton's ``...``: the value, or a function
    whose body is only ``...`` (after its docstring)."""
    if value is Ellipsis or value is None or _skeleton(value):
        raise Unanswered("not answered yet")
    return value


def _skeleton(value: Any) -> bool:
    function = inspect.unwrap(value) if callable(value) else None
    if not inspect.isfunction(function):
        return False
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return False  # no source to read (made at run time): judge it by what it does
    node = tree.body[0]
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    constants = [
        statement.value.value
        for statement in node.body
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
    ]
    if len(constants) != len(node.body):
        return False  # a statement that is not a constant: the learner wrote something
    if constants and isinstance(constants[0], str):
        constants = constants[1:]  # the docstring
    return constants == [...]


NOT_ANSWERED = "not answered yet: replace the `...`"


async def _passes(check: Check) -> tuple[bool, str, bool]:
    """(passed, why not, whether the learner has not answered yet)."""
    try:
        result = check.test()
        if inspect.isawaitable(result):
            result = await result
    except Unanswered as exc:
        said = str(exc)
        return False, NOT_ANSWERED if said in ("", "not answered yet") else said, True
    except AssertionError as exc:
        return False, str(exc) or check.hint, False
    except Exception as exc:  # a learner's bug is a failed check, not a traceback
        return False, f"{type(exc).__name__}: {exc}", False
    if result is False:
        return False, check.hint, False
    return True, "", False


async def check(*checks: Check | Iterable[Check], of: str | None = None) -> None:
    """Run the checks in order and print ``✔ what``, or ``✘ what: why`` and a hint, or
    ``· what: waits for ...`` for a check whose ``needs`` have not passed (it does not run).

    ``of`` names what is checked when it is not the learner's answer (``of="the solution"``).
    """
    if of is not None:
        print(f"checking {of}:")
    flat: list[Check] = []
    for item in checks:
        flat.extend([item] if isinstance(item, Check) else item)
    for index, one in enumerate(flat):
        later = [need.what for need in one.needed if need not in flat[:index]]
        if later:
            raise ValueError(f"{one.what!r} needs checks that do not run before it: {later}")
    failed: dict[Check, set[Check]] = {}  # a check that did not pass: the ✘ checks behind it
    unanswered = False
    aside: list[str] = []
    for one in flat:
        behind = set().union(*(failed[need] for need in one.needed if need in failed))
        if unanswered or behind:
            failed[one] = behind
            waits = "an answer" if unanswered else f"the check{'s' * (len(behind) > 1)} above"
            print(f"{WAIT} {one.what}: waits for {waits}")
            continue
        with _kept_aside(aside):
            ok, why, unanswered = await _passes(one)
        if ok:
            print(f"{PASS} {one.what}")
            continue
        failed[one] = {one}
        print(f"{FAIL} {one.what}: {why}")
        if why != one.hint:
            print(f"  hint: {one.hint}")
    if aside:  # what the code under check printed or logged: after the verdicts, not among them
        print("(printed while checking)")
        print("\n".join(f"  {line}" for line in aside))


@contextlib.contextmanager
def _kept_aside(aside: list[str]) -> Iterator[None]:
    """Output, log records and warnings of one check, collected into ``aside``."""
    printed = io.StringIO()
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    root = logging.getLogger()
    keep, handlers, propagate = Keep(), root.handlers[:], logging.lastResort
    root.handlers[:] = [keep]
    logging.lastResort = None
    try:
        with (
            warnings.catch_warnings(record=True) as caught,
            contextlib.redirect_stdout(printed),
            contextlib.redirect_stderr(printed),
        ):
            warnings.simplefilter("always")
            yield
    finally:
        root.handlers[:] = handlers
        logging.lastResort = propagate
    aside += printed.getvalue().splitlines()
    aside += [f"{r.levelname} {r.name}: {r.getMessage()}" for r in records]
    aside += [f"{w.category.__name__}: {w.message}" for w in caught]
