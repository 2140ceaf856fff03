"""Notebook 12's exercise: downgrade to just before the migration that creates a table.

Every check starts at head with a user of its own, so no check sees what another one did. The
function is called for the lesson's table and for every other table a migration creates after
the first one (in a random order), and its source must name no revision id.
"""

import inspect
import random
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

import course
from course.exercises import Unanswered
from playground import migrations
from playground.database import metadata

DowngradeBefore = Callable[..., Awaitable[str | None]]


def _history() -> ScriptDirectory:
    return ScriptDirectory.from_config(migrations.alembic_config())


def _created_after_the_first() -> dict[str, str]:
    """Each table a migration with a parent creates -> that parent."""
    parents: dict[str, str] = {}
    for script in _history().walk_revisions():
        text = Path(script.path).read_text()
        for table in metadata.tables:
            if isinstance(script.down_revision, str) and (
                f'op.create_table(\n        "{table}",' in text
            ):
                parents[table] = script.down_revision
    return parents


async def _tables(pg: course.Playground) -> set[str]:
    rows = await pg.sql("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {name for (name,) in rows}


async def _version(pg: course.Playground) -> str | None:
    rows = await pg.sql("SELECT version_num FROM alembic_version")
    return rows[0][0] if rows else None


def _drift(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def downgrade_before(solution: DowngradeBefore, pg: course.Playground) -> list[course.Check]:
    """``solution(engine, table)`` stops right before the migration that creates ``table``."""

    async def run(table: str) -> str | None:
        await migrations.upgrade(pg.engine)  # every check starts at head
        course.answered(solution)
        returned = await solution(pg.engine, table)
        return str(course.answered(returned)) if returned is not None else None

    async def at_returned_revision() -> None:
        returned = await run("post_review")
        version = await _version(pg)
        assert version == returned, f"returned {returned!r}, but the database is at {version!r}"

    async def right_before(table: str) -> None:
        await run(table)
        version = await _version(pg)
        if table in await _tables(pg):
            parent = _created_after_the_first()[table]
            creating = next(
                s.revision for s in _history().walk_revisions() if s.down_revision == parent
            )
            raise AssertionError(
                f"{table} is still there (the database is at {version!r}: downgrade to the "
                "parent, the script's down_revision, not to the script itself)"
                if version == creating
                else f"{table} is still there (the database is at {version!r}, after the script "
                "that creates it: find that script in the files and go to its down_revision)"
            )
        await migrations.upgrade(pg.engine, "+1")
        assert table in await _tables(pg), (
            f"one step up from {version!r} does not create {table}: you went down too far"
        )

    async def every_table() -> None:
        others = [table for table in _created_after_the_first() if table != "post_review"]
        for table in ["post_review", *random.sample(others, len(others))]:
            try:
                await right_before(table)
            except Unanswered:
                raise
            except AssertionError as exc:
                raise AssertionError(f"for {table}: {exc}") from None

    async def no_revision_ids() -> None:
        await run("post_review")
        function = inspect.unwrap(course.answered(solution))
        source = inspect.getsource(function)
        for name in function.__code__.co_names:  # and the constants it reads, e.g. a dict
            value = function.__globals__.get(name)
            if isinstance(value, str | dict | list | tuple | set | frozenset):
                source += repr(value)
        written = sorted(s.revision for s in _history().walk_revisions() if s.revision in source)
        assert not written, f"the code names revision ids {written}: find them from the files"

    async def users_kept() -> None:
        await migrations.upgrade(pg.engine)
        user = await pg.user(f"keep{uuid.uuid4().hex[:10]}")
        await run("post_review")
        kept = await pg.sql("SELECT id FROM auth_user WHERE id = :id", id=user.id.hex)
        assert kept, "a user registered before the call is gone: downgrade only as far as needed"

    async def round_trip() -> None:
        await run("post_review")
        await migrations.upgrade(pg.engine)
        async with pg.engine.connect() as connection:
            differences = await connection.run_sync(_drift)
        assert differences == [], f"models and database differ after upgrade: {differences}"

    no_ids = course.Check(
        "no revision id written in the code",
        "read down_revision from the script you found",
        no_revision_ids,
    )
    return [
        no_ids,  # ids copied from the files pass the lesson's tables only: the rest would repeat it
        course.Check(
            "returns the revision the database is now at",
            "return the down_revision you downgraded to",
            at_returned_revision,
            needs=no_ids,
        ),
        course.Check(
            "post_review, then every other table a migration creates: gone, one step up back",
            'the script whose file has op.create_table("<table>": its down_revision',
            every_table,
            needs=no_ids,
        ),
        course.Check(
            "a user's row survives",
            "downgrade only as far as needed",
            users_kept,
            needs=no_ids,
        ),
        course.Check(
            "after your downgrade, upgrade head again: no drift from the models",
            "change the schema only through migrations.downgrade",
            round_trip,
            needs=no_ids,
        ),
    ]
