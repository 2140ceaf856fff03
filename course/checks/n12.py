"""Notebook 12's exercise: downgrade to just before the migration that creates a table."""

from collections.abc import Awaitable, Callable

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

import course
from playground import migrations
from playground.database import metadata

DowngradeBefore = Callable[..., Awaitable[str | None]]


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

    async def run(table: str) -> str:
        await migrations.upgrade(pg.engine)  # every check starts at head
        return str(course.answered(await solution(pg.engine, table)))

    async def at_returned_revision() -> None:
        returned = await run("post_review")
        version = await _version(pg)
        assert version == returned, f"returned {returned!r}, but the database is at {version!r}"

    async def right_before(table: str) -> None:
        await run(table)
        assert table not in await _tables(pg), f"{table} is still there"
        await migrations.upgrade(pg.engine, "+1")
        assert table in await _tables(pg), f"one step up from there does not create {table}"

    async def users_kept() -> None:
        await migrations.upgrade(pg.engine)
        before = await pg.sql("SELECT id FROM auth_user ORDER BY id")
        await run("post_review")
        after = await pg.sql("SELECT id FROM auth_user ORDER BY id")
        assert before and after == before, f"auth_user had {len(before)} rows, now {len(after)}"

    async def round_trip() -> None:
        await migrations.upgrade(pg.engine)
        async with pg.engine.connect() as connection:
            differences = await connection.run_sync(_drift)
        assert differences == [], f"models and database differ after upgrade: {differences}"

    return [
        course.Check(
            "returns the revision the database is now at",
            "return the down_revision you downgraded to",
            at_returned_revision,
        ),
        course.Check(
            "post_review: gone, and one step up brings it back",
            'the script whose file has op.create_table("post_review": its down_revision',
            lambda: right_before("post_review"),
        ),
        course.Check(
            "notification_email: the same function works for another table",
            "look the table up by name, not by a revision id written in the code",
            lambda: right_before("notification_email"),
        ),
        course.Check("auth_user's rows survive", "downgrade only as far as needed", users_kept),
        course.Check(
            "upgrade head again: no drift from the models",
            "change the schema only through migrations.downgrade",
            round_trip,
        ),
    ]
