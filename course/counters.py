"""Counters for what a block of code did: SQL statements sent, calls made."""

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass
class SQLCounter:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)

    def kinds(self) -> list[str]:
        """The first keyword of each statement: SELECT, INSERT, ..."""
        return [s.split(None, 1)[0].upper() for s in self.statements]


@contextmanager
def count_sql(engine: AsyncEngine) -> Iterator[SQLCounter]:
    """Record every SQL statement the engine sends while the block runs."""
    counter = SQLCounter()

    def record(*args: Any) -> None:
        counter.statements.append(" ".join(str(args[2]).split()))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield counter
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


@dataclass
class CallCounter:
    calls: int = 0


@contextmanager
def count_calls(owner: Any, name: str) -> Iterator[CallCounter]:
    """Count calls to ``owner.name`` (a module function or a method) while the block runs."""
    original = getattr(owner, name)
    counter = CallCounter()

    if inspect.iscoroutinefunction(original):

        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            counter.calls += 1
            return await original(*args, **kwargs)

        setattr(owner, name, async_wrapper)
    else:

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            counter.calls += 1
            return original(*args, **kwargs)

        setattr(owner, name, wrapper)
    try:
        yield counter
    finally:
        setattr(owner, name, original)
