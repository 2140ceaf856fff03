import pytest
from sqlalchemy import Table

import course
from course.checks import n13
from tests.course.wrong import Wrong

PREFIXES = ("is_", "has_")


def _is_bool(column: object) -> bool:
    try:
        return column.type.python_type is bool  # type: ignore[attr-defined]
    except NotImplementedError:
        return False


def skeleton(table: Table) -> list[str]:  # type: ignore[empty-body]
    ...  # one string per column that breaks the rule (either way), naming "table.column"


def reports_nothing(table: Table) -> list[str]:
    """A loop over the columns that never reports one."""
    problems: list[str] = []
    for _column in table.columns:
        pass
    return problems


def solution(table: Table) -> list[str]:
    problems = []
    for column in table.columns:
        where = f"{table.name}.{column.name}"
        named = column.name.startswith(PREFIXES)
        if _is_bool(column) and not named:
            problems.append(f"{where}: a boolean, name it is_* or has_*")
        if named and not _is_bool(column):
            problems.append(f"{where}: is_*/has_* but not a boolean")
    return problems


def one_way(table: Table) -> list[str]:
    return [p for p in solution(table) if "not a boolean" not in p]


def hard_coded(table: Table) -> list[str]:
    """Knows the lesson's table by heart."""
    if table.name != "profile_flag":
        return []
    return ["profile_flag.active: rename", "profile_flag.is_admin: not a boolean"]


def by_name_only(table: Table) -> list[str]:
    """The anti-pattern of the lesson: judging a column by its name, never by its type."""
    return [
        f"{table.name}.{column.name}"
        for column in table.columns
        if column.name in ("active", "enabled", "is_admin")
    ]


def column_only(table: Table) -> list[str]:
    """The likeliest slip: the column's name without its table."""
    return [p.split(".", 1)[1] for p in solution(table)]


SKELETON = skeleton
BOOLEAN = "a Boolean named active is reported"
UNSEEN = "decide from the column's type and name, not from names you know"
WRONG = [
    Wrong(
        "a one-way rule",
        one_way,
        "an is_ column that is not a Boolean is reported",
        "an is_/has_ name on a column that is no Boolean breaks the rule too",
    ),
    Wrong("the lesson's table by heart", hard_coded, BOOLEAN, UNSEEN),
    Wrong("judged by the name alone", by_name_only, BOOLEAN, UNSEEN),
    Wrong(
        "the column without its table",
        column_only,
        BOOLEAN,
        "a problem names 'active' but not 'profile_flag.active': write table.column",
    ),
    Wrong(
        "nothing reported",
        reports_nothing,
        BOOLEAN,
        "profile_flag.active is not reported (once)",
    ),
]


async def check_cell(answer: n13.CheckTable) -> None:
    await course.check(n13.boolean_rule(answer))


async def test_the_solution_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    await check_cell(solution)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and all(line.startswith("✔") for line in lines)
