import uuid
from pathlib import Path

import pytest
from sqlalchemy import Executable, event, insert, text
from sqlalchemy.exc import IntegrityError

import course
from playground.auth.models import AuthUser
from playground.database import (
    FOREIGN_KEY_VIOLATION,
    _sqlite_pragmas,
    create_engine,
    violated_constraint,
)
from playground.domains.posts.models import PostReview
from tests.factories import create_user
from tests.helpers import create_post, run


def _user(**fields: object) -> Executable:
    values = {
        "username": "grace",
        "email": "grace@example.com",
        "password_hash": "x",
        "first_name": "Grace",
        **fields,
    }
    return insert(AuthUser).values(**values)


async def _violation(pg: course.Playground, statement: Executable) -> str | None:
    with pytest.raises(IntegrityError) as caught:
        await run(pg, statement)
    return violated_constraint(caught.value)


async def test_violated_constraint_names_unique_and_check_constraints(
    pg: course.Playground,
) -> None:
    ada = await create_user(pg, "ada")
    post = await create_post(pg, ada)
    review = {"post_id": uuid.UUID(post["id"]), "author_id": ada.id, "rating": 5}
    await run(pg, insert(PostReview).values(**review))
    # The names the naming convention gives, whatever the dialect reports.
    assert await _violation(pg, _user(username="ada")) == "auth_user_username_key"
    assert await _violation(pg, _user(email="ada@example.com")) == "auth_user_email_key"
    assert await _violation(pg, _user(age=17)) == "auth_user_age_adult_check"
    assert await _violation(pg, insert(PostReview).values(**review)) == (
        "post_review_post_id_author_id_key"
    )


async def test_violated_constraint_reports_foreign_keys_and_not_nulls(
    pg: course.Playground,
) -> None:
    ada = await create_user(pg, "ada")
    orphan = insert(PostReview).values(post_id=uuid.uuid4(), author_id=ada.id, rating=5)
    # SQLite does not say which foreign key failed; PostgreSQL names it.
    expected = (
        FOREIGN_KEY_VIOLATION if pg.engine.dialect.name == "sqlite" else "post_review_post_id_fkey"
    )
    assert await _violation(pg, orphan) == expected
    assert await _violation(pg, _user(first_name=None)) is None


def test_sqlite_pragmas_are_set_only_on_sqlite() -> None:
    sqlite = create_engine("sqlite+aiosqlite:///:memory:")
    postgres = create_engine("postgresql+asyncpg://playground@localhost/playground")
    assert event.contains(sqlite.sync_engine, "connect", _sqlite_pragmas)
    assert not event.contains(postgres.sync_engine, "connect", _sqlite_pragmas)


async def test_sqlite_connections_use_wal_with_synchronous_normal(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'pragmas.db'}")
    try:
        async with engine.connect() as connection:
            journal = await connection.scalar(text("PRAGMA journal_mode"))
            synchronous = await connection.scalar(text("PRAGMA synchronous"))
    finally:
        await engine.dispose()
    assert (journal, synchronous) == ("wal", 1)  # 1 is NORMAL
