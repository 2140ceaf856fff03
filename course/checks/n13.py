"""Checks for notebook 13: a naming rule for boolean columns, both ways.

Besides the lesson's ``profile_flag`` table, every check also runs the learner's function on a
table it has not seen: random table and column names, made anew for each check.
"""

import uuid
from collections.abc import Callable

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table

from course.exercises import Check, answered
from playground.database import metadata as playground_metadata

CheckTable = Callable[[Table], list[str]]


def _flags() -> Table:
    return Table(
        "profile_flag",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("active", Boolean),
        Column("has_avatar", Boolean),
        Column("is_public", Boolean),
        Column("is_admin", String(16)),  # a role name, not a flag
    )


def _unseen() -> tuple[Table, dict[str, str]]:
    """A table the learner cannot predict: its columns by role -> their random names."""
    word = uuid.uuid4().hex[:6]
    names = {
        "boolean": f"x{word}_enabled",
        "non_boolean": f"is_{word}_level",
        "good": f"has_{word}",
    }
    table = Table(
        f"t{word}",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column(names["boolean"], Boolean),
        Column(names["non_boolean"], Integer),
        Column(names["good"], Boolean),
    )
    return table, names


def _reported(check_booleans: CheckTable, table: Table, column: str) -> int:
    where = f"{table.name}.{column}"
    problems = _problems(check_booleans, table)
    if not any(where in problem for problem in problems) and any(
        column in problem for problem in problems
    ):
        raise AssertionError(f"a problem names {column!r} but not {where!r}: write table.column")
    return sum(where in problem for problem in problems)


def _problems(check_booleans: CheckTable, table: Table) -> list[str]:
    problems = answered(check_booleans(table))
    assert isinstance(problems, list), f"return a list of strings, not {type(problems).__name__}"
    return problems


def _about(problems: list[str], column: str) -> list[str]:
    return [problem for problem in problems if f"profile_flag.{column}" in problem]


def boolean_rule(check_booleans: CheckTable) -> list[Check]:
    """The learner's ``check_booleans`` on the playground's tables and on a badly named one."""

    def playground_passes() -> None:
        for table in playground_metadata.sorted_tables:
            problems = _problems(check_booleans, table)
            assert problems == [], f"{table.name}: {problems}"

    def active_reported() -> None:
        assert _reported(check_booleans, _flags(), "active") == 1, (
            "profile_flag.active is not reported (once)"
        )
        table, names = _unseen()
        assert _reported(check_booleans, table, names["boolean"]) == 1, (
            f"a Boolean named {names['boolean']} in a table {table.name} is not reported: "
            "decide from the column's type and name, not from names you know"
        )

    def good_names_pass() -> None:
        problems = _problems(check_booleans, _flags())
        wrong = [
            p for column in ("has_avatar", "is_public", "id") for p in _about(problems, column)
        ]
        assert wrong == [], f"reported: {wrong}"
        table, names = _unseen()
        wrong = [p for p in _problems(check_booleans, table) if f".{names['good']}" in p]
        assert wrong == [], f"reported a Boolean named has_*: {wrong}"

    def non_boolean_reported() -> None:
        assert _reported(check_booleans, _flags(), "is_admin") == 1, (
            "profile_flag.is_admin (a String) is not reported: an is_/has_ name on a column "
            "that is no Boolean breaks the rule too"
        )
        table, names = _unseen()
        assert _reported(check_booleans, table, names["non_boolean"]) == 1, (
            f"{table.name}.{names['non_boolean']} (an Integer named is_*) is not reported: "
            "decide from the column's type and name, not from names you know"
        )

    boolean = Check(
        "a Boolean named active is reported",
        'python_type(column) is bool and not column.name.startswith(("is_", "has_"))',
        active_reported,
    )
    return [
        Check(
            "the playground's tables pass", "is_active and is_creator are fine", playground_passes
        ),
        boolean,
        Check(
            "has_avatar, is_public and id pass", "report only what breaks the rule", good_names_pass
        ),
        Check(  # an answer that misses the Boolean above misses this one for the same reason
            "an is_ column that is not a Boolean is reported",
            "the rule goes both ways, like *_at",
            non_boolean_reported,
            needs=boolean,
        ),
    ]
