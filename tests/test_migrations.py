import re
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect

import course
from playground import migrations
from playground.database import metadata
from tests.factories import create_user

VERSIONS = Path(migrations.SCRIPT_LOCATION) / "versions"


def _table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


def _drift(connection: Connection) -> list[object]:
    context = MigrationContext.configure(
        connection, opts={"render_as_batch": True, "compare_type": True}
    )
    return list(compare_metadata(context, metadata))


async def test_upgrade_downgrade_upgrade_keeps_the_schema(pg: course.Playground) -> None:
    async with pg.engine.connect() as connection:
        assert await connection.run_sync(_table_names) == set(metadata.tables)
    await migrations.downgrade(pg.engine, "base")
    async with pg.engine.connect() as connection:
        assert await connection.run_sync(_table_names) == set()
    await migrations.upgrade(pg.engine)
    async with pg.engine.connect() as connection:
        assert await connection.run_sync(_table_names) == set(metadata.tables)


async def test_downgrade_one_step_and_back_keeps_older_data(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    await migrations.downgrade(pg.engine, "-1")
    assert await pg.sql("SELECT count(*) FROM auth_user") == [(1,)]
    await migrations.upgrade(pg.engine)
    me = await pg.client.get("/auth/users/me", headers=ada.headers)
    assert me.status_code == 200


async def test_models_and_migrations_do_not_drift(pg: course.Playground) -> None:
    async with pg.engine.connect() as connection:
        assert await connection.run_sync(_drift) == []


def test_history_is_linear_with_date_slug_file_names() -> None:
    script = ScriptDirectory.from_config(migrations.alembic_config())
    assert len(script.get_heads()) == 1
    for path in VERSIONS.glob("*.py"):
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}_[a-z0-9_]+_[0-9a-f]{12}\.py", path.name), path


def test_alembic_ini_uses_the_same_template_as_the_code() -> None:
    ini = (Path(__file__).parents[1] / "alembic.ini").read_text()
    assert f"file_template = {migrations.FILE_TEMPLATE}" in ini


def test_alembic_cli_migrates_the_configured_database(tmp_path: Path) -> None:
    """What ``make serve`` / ``make lab`` run: the CLI, its async engine, from ``alembic.ini``."""
    import os
    import sqlite3
    import subprocess
    import sys

    root = Path(__file__).parents[1]
    env = {**os.environ, "PLAYGROUND_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"}
    alembic = [sys.executable, "-m", "alembic", "-c", str(root / "alembic.ini")]
    subprocess.run([*alembic, "upgrade", "head"], env=env, check=True, capture_output=True)
    with sqlite3.connect(tmp_path / "cli.db") as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert set(metadata.tables) <= tables
    offline = subprocess.run(
        [*alembic, "upgrade", "base:head", "--sql"], env=env, check=True, capture_output=True
    )
    assert "CREATE TABLE auth_user" in offline.stdout.decode()
