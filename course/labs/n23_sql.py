"""Notebook 23's SQL side of a bounded list: the SELECTs an engine sends with the rows each
returns, the joined rows a ``GROUP BY`` reads, and a query's outline as SQLite would run it."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

AnySelect = sa.Select[*tuple[Any, ...]]  # a SELECT of any columns


@dataclass(frozen=True)
class Selected:
    sql: str  # on one line
    rows: int  # how many rows the statement returns

    @property
    def start(self) -> str:
        """The statement up to its first ``FROM``, for a table of what ran."""
        head = self.sql.split(" FROM ", 1)[0]
        return head if len(head) <= 40 else head[:37] + "..."


@asynccontextmanager
async def selects(engine: AsyncEngine) -> AsyncIterator[list[Selected]]:
    """The SELECTs the engine sends in the block, each with the number of rows it returns
    (counted after the block by running it again inside ``SELECT count(*) FROM (...)``, on
    the same data: the rows the app fetched from the cursor)."""
    sent: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    found: list[Selected] = []
    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield found
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    async with engine.connect() as connection:
        for statement, parameters in sent:
            counted = f"SELECT count(*) FROM ({statement}) AS selected"
            rows = (await connection.exec_driver_sql(counted, parameters)).scalar_one()
            found.append(Selected(" ".join(statement.split()), rows))


async def rows_aggregated(engine: AsyncEngine, query: AnySelect) -> int:
    """How many joined rows ``query``'s ``GROUP BY`` reads: its FROM and joins, counted,
    with no grouping, ordering or outer LIMIT (a LIMIT inside a subquery stays)."""
    joined = (
        query.with_only_columns(sa.func.count(), maintain_column_froms=True)
        .group_by(None)
        .order_by(None)
        .limit(None)
        .offset(None)
    )
    async with engine.connect() as connection:
        return int((await connection.execute(joined)).scalar_one())


def outline(query: AnySelect) -> str:
    """``query`` as SQLite would run it, its values inlined, one clause a line, each subquery
    indented inside its parentheses."""
    text = str(query.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    text = " ".join(text.split())
    out: list[str] = []
    subqueries: list[bool] = []  # for each open parenthesis: does it open a subquery?
    at = 0
    while at < len(text):
        indent = "\n" + "  " * sum(subqueries)
        clause = next((k for k in _CLAUSES if text.startswith(k, at + 1)), None)
        if text.startswith("(SELECT ", at):
            subqueries.append(True)
            out.append("(" + indent + "  SELECT ")
            at += len("(SELECT ")
        elif text[at] == " " and clause and not (subqueries and not subqueries[-1]):
            out.append(indent + clause)
            at += 1 + len(clause)
        else:
            if text[at] == "(":
                subqueries.append(False)
            elif text[at] == ")" and subqueries.pop():
                out.append("\n" + "  " * sum(subqueries))
            out.append(text[at])
            at += 1
    return "".join(out)


_CLAUSES = ("FROM ", "LEFT OUTER JOIN ", "JOIN ", "GROUP BY ", "ORDER BY ", "LIMIT ")
