from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

import course
from course.checks import n12
from playground import migrations


def _parent_of_the_script_creating(table: str) -> str:
    history = ScriptDirectory.from_config(migrations.alembic_config())
    creates = next(
        script
        for script in history.walk_revisions()
        if f'op.create_table(\n        "{table}",' in Path(script.path).read_text()
    )
    assert isinstance(creates.down_revision, str)
    return creates.down_revision


async def solution(engine: AsyncEngine, table: str) -> str | None:
    parent = _parent_of_the_script_creating(table)
    await migrations.downgrade(engine, parent)
    return parent


async def skeleton(engine: AsyncEngine, table: str) -> str | None:
    parent = ...
    return parent  # type: ignore[return-value]


async def test_the_solution_passes_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await pg.user("ada")
    await course.check(n12.downgrade_before(solution, pg))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5 and all(line.startswith("✔") for line in lines)
    assert await pg.sql("SELECT version_num FROM alembic_version") == [
        (ScriptDirectory.from_config(migrations.alembic_config()).get_current_head(),)
    ]


async def test_the_skeleton_fails(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await pg.user("ada")
    await course.check(n12.downgrade_before(skeleton, pg))
    out = capsys.readouterr().out
    assert "✘ returns the revision the database is now at: not answered yet" in out
    assert out.count("✘") == 4


async def test_a_fixed_one_step_downgrade_fails_for_tables_below_the_head(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    async def minus_one(engine: AsyncEngine, table: str) -> str | None:
        await migrations.downgrade(engine, "-1")  # always the newest migration, whatever table
        return "5c1d0a7e93b2"

    await pg.user("ada")
    await course.check(n12.downgrade_before(minus_one, pg))
    out = capsys.readouterr().out
    assert "✘ post_review: gone, and one step up brings it back: post_review is still there" in out
    assert "✘ notification_email: the same function works for another table" in out
    assert "✔ auth_user's rows survive" in out
