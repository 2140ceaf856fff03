"""Checks for notebook 13: a naming rule for boolean columns, both ways."""

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
        assert len(_about(_problems(check_booleans, _flags()), "active")) == 1, (
            "profile_flag.active is not reported (once)"
        )

    def good_names_pass() -> None:
        problems = _problems(check_booleans, _flags())
        wrong = [
            p for column in ("has_avatar", "is_public", "id") for p in _about(problems, column)
        ]
        assert wrong == [], f"reported: {wrong}"

    def non_boolean_reported() -> None:
        assert len(_about(_problems(check_booleans, _flags()), "is_admin")) == 1, (
            "profile_flag.is_admin (a String) is not reported"
        )

    return [
        Check(
            "the playground's tables pass", "is_active and is_creator are fine", playground_passes
        ),
        Check(
            "a Boolean named active is reported",
            'python_type(column) is bool and not column.name.startswith(("is_", "has_"))',
            active_reported,
        ),
        Check(
            "has_avatar, is_public and id pass", "report only what breaks the rule", good_names_pass
        ),
        Check(
            "an is_ column that is not a Boolean is reported",
            "the rule goes both ways, like *_at",
            non_boolean_reported,
        ),
    ]
