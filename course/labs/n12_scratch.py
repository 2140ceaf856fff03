"""Scratch copies of the migrations and throwaway tables, so a lesson can make revisions freely.

In a notebook cell (the folder is made and removed in the same cell, so it can run again)::

    with scratch.migrations() as copy:
        made = copy.revision("add post index")
        print(copy.new_files())             # ['<DATE>_<TIME>_add_post_index_<REV>.py']
"""

import contextlib
import io
import re
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config
from alembic.script import Script, ScriptDirectory
from sqlalchemy import Connection, MetaData, Table
from sqlalchemy.ext.asyncio import AsyncEngine

from playground import migrations as playground_migrations

if TYPE_CHECKING:
    from IPython.display import Markdown

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}_")
_TIME = re.compile(r"^<DATE>_\d{6}_")


@dataclass(frozen=True)
class History:
    """What Alembic makes of a versions folder: its heads, or the error, and its warnings."""

    heads: list[str]
    error: str | None
    warnings: list[str]


@dataclass
class ScratchMigrations:
    """A copy of ``playground/migrations`` in a temporary folder, with its Alembic ``Config``."""

    folder: Path
    config: Config
    original: frozenset[str]
    made: list[str] = field(default_factory=list)  # revision ids made here

    @property
    def versions(self) -> Path:
        return self.folder / "versions"

    def revision(self, message: str) -> Script:
        """``alembic revision -m message`` in the copy (its "Generating ..." line hidden)."""
        with contextlib.redirect_stdout(io.StringIO()):
            script = command.revision(self.config, message=message)
        return self._made(script)

    async def autogenerate(self, engine: AsyncEngine, message: str) -> Script:
        """``alembic revision --autogenerate`` against ``engine``'s database, in the copy."""
        async with engine.connect() as connection:
            script = await connection.run_sync(self._autogenerate, message)
        return self._made(script)

    def _autogenerate(
        self, connection: Connection, message: str
    ) -> Script | list[Script | None] | None:
        self.config.attributes["connection"] = connection
        with contextlib.redirect_stdout(io.StringIO()):
            return command.revision(self.config, message=message, autogenerate=True)

    def _made(self, script: Script | list[Script | None] | None) -> Script:
        if isinstance(script, list):
            script = script[0]
        if script is None:
            raise RuntimeError("alembic made no revision")
        self.made.append(script.revision)
        return script

    def new_files(self) -> list[str]:
        """The files in ``versions/`` that the copy did not start with, masked and sorted."""
        names = {path.name for path in self.versions.glob("*.py")} - self.original
        return sorted(self.mask(name) for name in names)

    def mask(self, text: str) -> str:
        """``text`` with the date, time of day and revision ids made here as placeholders."""
        text = _TIME.sub("<DATE>_<TIME>_", _DATE.sub("<DATE>_", text))
        for revision in self.made:
            text = text.replace(revision, "<REV>")
        return text

    def history(self) -> History:
        """Read the copy's history as Alembic would: heads, or the error it stops at."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                heads, error = list(ScriptDirectory.from_config(self.config).get_heads()), None
            except Exception as exc:  # a broken history is what some lessons show
                heads, error = [], f"{type(exc).__name__}: {exc}"
        return History(
            heads=[self.mask(head) for head in heads],
            error=self.mask(error) if error else None,
            warnings=[self.mask(str(warning.message)) for warning in caught],
        )


@contextlib.contextmanager
def migrations(*, file_template: str | None = None) -> Iterator[ScratchMigrations]:
    """A scratch copy of the playground's migrations (optionally another file template)."""
    root = Path(tempfile.mkdtemp(prefix="scratch-migrations-"))
    folder = root / "migrations"
    try:
        shutil.copytree(
            playground_migrations.SCRIPT_LOCATION,
            folder,
            ignore=shutil.ignore_patterns("__py*", "__init__.py"),
        )
        config = playground_migrations.alembic_config()
        config.set_main_option("script_location", str(folder))
        if file_template is not None:
            config.set_main_option("file_template", file_template)
        original = frozenset(path.name for path in (folder / "versions").glob("*.py"))
        yield ScratchMigrations(folder=folder, config=config, original=original)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def table(metadata: MetaData, name: str, *columns: Any) -> Iterator[Table]:
    """A table on ``metadata`` for the block only (replacing one an interrupted run left)."""
    if name in metadata.tables:
        metadata.remove(metadata.tables[name])
    added = Table(name, metadata, *columns)
    try:
        yield added
    finally:
        metadata.remove(added)


def show_file(path: Path | str) -> "Markdown":
    """Render a file that cannot be imported (``env.py``, a migration) as a Python block."""
    from IPython.display import Markdown  # only notebooks need IPython

    path = Path(path)
    return Markdown(f"```python\n# {path.name}\n{path.read_text()}```")  # type: ignore[no-untyped-call]
