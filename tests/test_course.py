import os
import re
import shutil
import sqlite3
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import inspect, make_url

import course
from course import databases
from playground import migrations
from playground.auth import utils as auth_utils
from playground.auth.models import AuthUser
from playground.database import metadata
from playground.domains.posts import dependencies as posts_dependencies
from tests.factories import create_user
from tests.helpers import count


async def test_start_gives_a_migrated_throwaway_database(pg: course.Playground) -> None:
    async with pg.engine.connect() as connection:
        tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert tables == {*metadata.tables, "alembic_version"}
    if pg.engine.dialect.name == "sqlite":
        assert pg.settings.DATABASE_URL.endswith(str(pg.workdir / "playground.db"))
    else:  # make test-postgres: a new database per playground on the test server
        assert pg.engine.url.database != make_url(os.environ[course.TEST_DATABASE_URL]).database


async def test_each_playground_has_its_own_database(pg: course.Playground) -> None:
    async with await course.start() as other:
        assert other.settings.DATABASE_URL != pg.settings.DATABASE_URL
        await create_user(other, "ada")
    assert await pg.sql("SELECT count(*) FROM auth_user") == [(0,)]


async def test_playgrounds_are_copies_of_a_template_migrated_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(databases, "_TEMPLATES", {})  # as in a process that has started none
    monkeypatch.setattr(databases, "_SQLITE_TEMPLATES", tmp_path)  # and a user who has none
    with course.count_calls(migrations, "upgrade") as upgrades:
        async with await course.start() as first, await course.start() as second:
            await create_user(first, "ada")
            await create_user(second, "ada")  # the same name: another database
            await create_user(second, "bob")
            assert (await count(first, AuthUser), await count(second, AuthUser)) == (1, 2)
        async with await course.start() as third:
            assert await count(third, AuthUser) == 0  # the copies never wrote to the template
    assert upgrades.calls == 1


async def test_the_sqlite_template_serves_every_process_until_a_migration_changes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if os.environ.get(course.TEST_DATABASE_URL):
        pytest.skip("PostgreSQL: a template database per process")
    folder, scripts = tmp_path / "templates", tmp_path / "migrations"
    shutil.copytree(databases._MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(databases, "_SQLITE_TEMPLATES", folder)
    monkeypatch.setattr(databases, "_MIGRATIONS", scripts)
    monkeypatch.setattr(databases, "_TEMPLATES", {})
    with course.count_calls(migrations, "upgrade") as upgrades:
        async with await course.start():
            pass
        databases._TEMPLATES.clear()  # another process: it finds the file and copies it
        async with await course.start():
            pass
    assert upgrades.calls == 1
    made = sorted(path.name for path in folder.iterdir())
    assert made == [f"{databases._schema_key()}.db"]  # no draft left behind
    first = next(scripts.glob("versions/*.py"))
    first.write_text(first.read_text() + "\n# edited\n")
    assert f"{databases._schema_key()}.db" not in made  # an edited migration: another template


def test_a_sqlite_template_with_pages_in_its_wal_is_not_copied(tmp_path: Path) -> None:
    template = tmp_path / "template.db"
    connection = sqlite3.connect(template)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE kept (x INTEGER)")
    connection.commit()  # in the WAL, not yet in the file, while a connection stays open
    with pytest.raises(RuntimeError, match="WAL"):
        databases._copy_sqlite(template, tmp_path / "early.db")
    connection.close()  # the last connection checkpoints the WAL into the file
    databases._copy_sqlite(template, tmp_path / "copy.db")
    copied = sqlite3.connect(tmp_path / "copy.db")
    assert copied.execute("SELECT name FROM sqlite_master").fetchall() == [("kept",)]
    copied.close()


async def test_a_database_url_of_ones_own_is_migrated_in_place(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'own.db'}"
    with course.count_calls(migrations, "upgrade") as upgrades:
        async with await course.start(settings={"DATABASE_URL": url}) as pg:
            assert url == pg.settings.DATABASE_URL
            await create_user(pg, "ada")
    assert upgrades.calls == 1
    assert (tmp_path / "own.db").exists()


async def test_close_removes_the_database() -> None:
    pg = await course.start()
    await pg.close()
    assert not pg.workdir.exists()


async def test_settings_can_be_overridden_per_playground() -> None:
    async with await course.start(settings={"PING_DELAY_SECONDS": 0.01}) as pg:
        assert pg.app.state.settings.PING_DELAY_SECONDS == 0.01


async def test_user_helper_registers_logs_in_and_makes_creators(pg: course.Playground) -> None:
    ada = await pg.user("ada", creator=True)
    me = await pg.client.get("/auth/users/me", headers=ada.headers)
    assert me.json()["id"] == str(ada.id)
    creator = await pg.client.get(f"/creators/{ada.profile_id}")
    assert creator.status_code == 200


def test_show_is_deterministic(capsys: pytest.CaptureFixture[str]) -> None:
    response = httpx.Response(201, json={"b": 1, "a": [2]})
    course.show(response)
    assert capsys.readouterr().out == 'HTTP 201 Created\n{\n  "a": [\n    2\n  ],\n  "b": 1\n}\n'
    course.show(httpx.Response(204))
    assert capsys.readouterr().out == "HTTP 204 No Content\n"
    course.show(httpx.Response(200, text="plain"))
    assert capsys.readouterr().out == "HTTP 200 OK\nplain\n"


def test_show_source_renders_the_real_code() -> None:
    markdown = course.show_source(posts_dependencies.valid_post_id)
    assert markdown.data.startswith("```python\n# playground.domains.posts.dependencies, line ")
    assert "async def valid_post_id(post_id: uuid.UUID" in markdown.data


async def test_count_sql_counts_statements(pg: course.Playground) -> None:
    with pg.count_sql() as sql:
        await pg.client.get(f"/posts/{uuid.uuid4()}")
    assert sql.count == 1
    assert sql.kinds() == ["SELECT"]
    with pg.count_sql() as none:
        await pg.client.get("/health")
    assert none.count == 0


async def test_count_calls_counts_and_restores(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    original = auth_utils.decode_access_token
    with course.count_calls(auth_utils, "decode_access_token") as decodes:
        await pg.client.get("/auth/users/me", headers=ada.headers)
    assert decodes.calls == 1
    assert auth_utils.decode_access_token is original


async def test_routes_lists_every_api_route(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = {(r.methods, r.path) for r in course.routes(pg.app)}
    assert ("GET", "/users/{user_id}/posts/{post_id}") in paths
    assert ("POST", "/auth/users") in paths
    assert not any(p.startswith("/docs") for _, p in paths)
    course.print_routes(pg.app)
    assert re.search(r"^GET\s+/health\s+health$", capsys.readouterr().out, re.M)


async def test_serve_runs_the_app_under_uvicorn(pg: course.Playground) -> None:
    async with pg.serve() as base_url:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base_url)
        async with httpx.AsyncClient(base_url=base_url) as client:
            response = await client.get("/health")
    assert response.json()["status"] == "ok"
    assert "uvicorn" in response.headers.get("server", "")
