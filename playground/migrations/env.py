"""Alembic environment: async engine from settings, or a connection handed in by code."""

import asyncio
from typing import Any

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine

# Importing the routers' models registers every table on the shared MetaData.
import playground.auth.models
import playground.domains.notifications.models
import playground.domains.post_attachments.models
import playground.domains.posts.models
import playground.domains.profiles.models  # noqa: F401
from playground.config import load_settings
from playground.database import metadata

config = context.config


def do_run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things: batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations(url: str, **options: Any) -> None:
    engine = create_async_engine(url, **options)
    async with engine.connect() as connection:
        await connection.run_sync(do_run_migrations)
        await connection.commit()
    await engine.dispose()


def run_migrations_offline(url: str) -> None:
    context.configure(
        url=url,
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    do_run_migrations(connection)
else:
    url = config.get_main_option("sqlalchemy.url")
    options: dict[str, Any] = {}
    if not url:  # the app's own database, reached as the app reaches it (its SSL mode)
        settings = load_settings()
        url, options = settings.DATABASE_URL, settings.engine_options()
    if context.is_offline_mode():
        run_migrations_offline(url)
    else:
        asyncio.run(run_async_migrations(url, **options))
