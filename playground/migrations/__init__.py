"""Alembic migrations, owned by the package so that notebooks and installs find them.

``alembic.ini`` at the project root drives the CLI (``make migration``); the helpers here
drive the same scripts from code, on a connection the caller already has, so that a
notebook can ``await upgrade(engine)`` inside its running event loop.
"""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

SCRIPT_LOCATION = str(Path(__file__).parent)
# Date and time of day first, so that the files sort in the order they were made; the
# revision id keeps two migrations with the same slug in the same second apart.
FILE_TEMPLATE = (
    "%%(year)d-%%(month).2d-%%(day).2d_%%(hour).2d%%(minute).2d%%(second).2d_%%(slug)s_%%(rev)s"
)


def alembic_config(database_url: str | None = None) -> Config:
    """The same configuration as ``alembic.ini``, built in code."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.set_main_option("file_template", FILE_TEMPLATE)
    config.set_main_option("timezone", "UTC")
    config.set_main_option("truncate_slug_length", "40")
    if database_url:
        config.set_main_option("sqlalchemy.url", database_url)
    return config


def _run(connection: Connection, config: Config, action: str, revision: str) -> None:
    config.attributes["connection"] = connection
    getattr(command, action)(config, revision)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """``alembic upgrade`` on this engine."""
    async with engine.begin() as connection:
        await connection.run_sync(_run, alembic_config(), "upgrade", revision)


async def downgrade(engine: AsyncEngine, revision: str = "-1") -> None:
    """``alembic downgrade`` on this engine."""
    async with engine.begin() as connection:
        await connection.run_sync(_run, alembic_config(), "downgrade", revision)
