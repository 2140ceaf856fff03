import pytest
from sqlalchemy import Table

import course
from course.checks import n13

PREFIXES = ("is_", "has_")


def _is_bool(column: object) -> bool:
    try:
        return column.type.python_type is bool  # type: ignore[attr-defined]
    except NotImplementedError:
        return False


def skeleton(table: Table) -> list[str]:
    problems: list[str] = []
    for _column in table.columns:
        ...
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


async def test_the_solution_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n13.boolean_rule(solution))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and all(line.startswith("✔") for line in lines)


async def test_the_skeleton_fails(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n13.boolean_rule(skeleton))
    out = capsys.readouterr().out
    assert "✘ a Boolean named active is reported" in out
    assert "✘ an is_ column that is not a Boolean is reported" in out


async def test_a_one_way_rule_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n13.boolean_rule(one_way))
    assert "✘ an is_ column that is not a Boolean" in capsys.readouterr().out


async def test_a_body_left_as_dots_is_not_answered(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n13.boolean_rule(lambda table: ...))  # type: ignore[arg-type, return-value]
    assert "not answered yet" in capsys.readouterr().out


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


async def test_a_hard_coded_answer_fails_on_an_unseen_table(
    capsys: pytest.CaptureFixture[str],
) -> None:
    await course.check(n13.boolean_rule(hard_coded))
    out = capsys.readouterr().out
    assert "✘ a Boolean named active is reported: a Boolean named x" in out
    assert "decide from the column's type and name, not from names you know" in out


async def test_judging_by_name_alone_fails(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n13.boolean_rule(by_name_only))
    out = capsys.readouterr().out
    assert "✘ an is_ column that is not a Boolean is reported" in out
    assert "(an Integer named is_*) is not reported" in out


async def test_a_problem_without_the_table_name_is_named(
    capsys: pytest.CaptureFixture[str],
) -> None:
    await course.check(n13.boolean_rule(column_only))
    out = capsys.readouterr().out
    assert "a problem names 'active' but not 'profile_flag.active': write table.column" in out
