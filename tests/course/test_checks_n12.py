from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

import course
from course.checks import n12
from playground import migrations


def _script_creating(table: str) -> object:
    history = ScriptDirectory.from_config(migrations.alembic_config())
    return next(
        script
        for script in history.walk_revisions()
        if f'op.create_table(\n        "{table}",' in Path(script.path).read_text()
    )


def _parent_of_the_script_creating(table: str) -> str:
    parent = _script_creating(table).down_revision  # type: ignore[attr-defined]
    assert isinstance(parent, str)
    return parent


async def solution(engine: AsyncEngine, table: str) -> str | None:
    parent = _parent_of_the_script_creating(table)
    await migrations.downgrade(engine, parent)
    return parent


async def skeleton(engine: AsyncEngine, table: str) -> str | None:
    parent = ...  # the down_revision of the script (in `history`) whose file creates `table`
    ...  # downgrade to `parent`
    return parent  # type: ignore[return-value]


PARENTS = {"post_review": "eb4972602890", "notification_email": "5c1d0a7e93b2"}


async def hard_coded(engine: AsyncEngine, table: str) -> str | None:
    """The answer the hint warns against: the lesson's two tables, ids copied from the files."""
    await migrations.downgrade(engine, PARENTS[table])
    return PARENTS[table]


async def through_base(engine: AsyncEngine, table: str) -> str | None:
    """The anti-pattern: start from nothing and build up to the parent (the data is gone)."""
    parent = _parent_of_the_script_creating(table)
    await migrations.downgrade(engine, "base")
    await migrations.upgrade(engine, parent)
    return parent


async def to_the_script_itself(engine: AsyncEngine, table: str) -> str | None:
    """The likeliest slip: downgrade to the creating script's revision, not to its parent."""
    revision = _script_creating(table).revision  # type: ignore[attr-defined]
    await migrations.downgrade(engine, revision)
    return str(revision)


async def minus_one(engine: AsyncEngine, table: str) -> str | None:
    await migrations.downgrade(engine, "-1")  # always the newest migration, whatever the table
    return "5c1d0a7e93b2"


async def _lines(pg: course.Playground, answer: object, capsys: pytest.CaptureFixture[str]) -> str:
    await course.check(n12.downgrade_before(answer, pg))  # type: ignore[arg-type]
    return capsys.readouterr().out


async def test_the_solution_passes_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = (await _lines(pg, solution, capsys)).splitlines()
    assert len(lines) == 5 and all(line.startswith("✔") for line in lines)
    assert await pg.sql("SELECT version_num FROM alembic_version") == [
        (ScriptDirectory.from_config(migrations.alembic_config()).get_current_head(),)
    ]


async def test_the_skeleton_fails_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    out = await _lines(pg, skeleton, capsys)
    assert "✘ returns the revision the database is now at: not answered yet" in out
    assert out.count("✘") == 5 and "✔" not in out


async def test_hard_coded_revision_ids_fail(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    out = await _lines(pg, hard_coded, capsys)
    assert "✘ post_review, then every other table a migration creates" in out
    assert "KeyError" in out
    assert (
        "✘ no revision id written in the code: the code names revision ids "
        "['5c1d0a7e93b2', 'eb4972602890']: find them from the files"
    ) in out


async def test_going_through_base_loses_the_users(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    out = await _lines(pg, through_base, capsys)
    assert "✘ a user's row survives: a user registered before the call is gone" in out
    assert out.count("✘") == 1


async def test_downgrading_to_the_creating_script_fails(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    out = await _lines(pg, to_the_script_itself, capsys)
    assert "post_review is still there" in out
    assert "downgrade to the parent, the script's down_revision, not to the script itself" in out
    assert out.count("✘") == 1


async def test_a_fixed_one_step_downgrade_fails(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    out = await _lines(pg, minus_one, capsys)
    assert "✘ returns the revision the database is now at: returned '5c1d0a7e93b2'" in out
    assert "post_review is still there" in out
