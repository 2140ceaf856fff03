from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

import course
from course.checks import n12
from playground import migrations
from tests.course.wrong import Wrong


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
    """Always one step down, whatever the table: right only when the table is the newest's."""
    await migrations.downgrade(engine, "-1")
    async with engine.connect() as connection:
        return str(await connection.scalar(text("SELECT version_num FROM alembic_version")))


SKELETON = skeleton
EVERY_TABLE = "post_review, then every other table a migration creates"
WRONG = [
    Wrong(
        "revision ids copied from the files",
        hard_coded,
        "no revision id written in the code",
        "the code names revision ids ['5c1d0a7e93b2', 'eb4972602890']: find them from the files",
    ),
    Wrong(
        "through base",
        through_base,
        "a user's row survives",
        "a user registered before the call is gone",
    ),
    Wrong(
        "to the creating script itself",
        to_the_script_itself,
        EVERY_TABLE,
        "post_review is still there (the database is at",
    ),
    Wrong(
        "one step down, whatever the table",
        minus_one,
        EVERY_TABLE,
        "after the script that creates it: find that script in the files",
    ),
]


async def check_cell(answer: n12.DowngradeBefore) -> None:
    async with await course.start() as pg:
        await course.check(n12.downgrade_before(answer, pg))


async def test_the_solution_passes_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n12.downgrade_before(solution, pg))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5 and all(line.startswith("✔") for line in lines)
    assert await pg.sql("SELECT version_num FROM alembic_version") == [
        (ScriptDirectory.from_config(migrations.alembic_config()).get_current_head(),)
    ]
