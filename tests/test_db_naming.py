"""Every table and column follows the naming rules (notebook 13 teaches them)."""

import re

from sqlalchemy import Date, DateTime
from sqlalchemy.dialects import postgresql

import playground.main  # noqa: F401  (registers every model on the MetaData)
from playground.database import metadata

SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
# Tables whose name starts with another table's name + "_" are grouped under it (post_review).
GROUPS = {"auth", "post", "notification"}


def test_tables_and_columns_are_lower_snake_and_singular() -> None:
    for table in metadata.tables.values():
        assert SNAKE.match(table.name), table.name
        assert not table.name.endswith("s"), f"{table.name}: plural"
        for column in table.columns:
            assert SNAKE.match(column.name), f"{table.name}.{column.name}"


def test_related_tables_share_a_prefix() -> None:
    for name in metadata.tables:
        if "_" in name:
            assert name.split("_")[0] in GROUPS | set(metadata.tables), name


def test_datetimes_end_in_at_and_dates_in_date() -> None:
    for table in metadata.tables.values():
        for column in table.columns:
            if isinstance(column.type, DateTime):
                assert column.name.endswith("_at"), f"{table.name}.{column.name}"
            elif isinstance(column.type, Date):
                assert column.name.endswith("_date"), f"{table.name}.{column.name}"
            else:
                assert not column.name.endswith(("_at", "_date")), f"{table.name}.{column.name}"


def test_no_name_is_a_postgresql_reserved_word() -> None:
    for table in metadata.tables.values():
        assert table.name not in postgresql.base.RESERVED_WORDS, table.name
        for column in table.columns:
            assert column.name not in postgresql.base.RESERVED_WORDS, column.name


def test_foreign_keys_are_named_after_the_referenced_thing() -> None:
    for table in metadata.tables.values():
        for fk in table.foreign_keys:
            assert fk.parent.name.endswith("_id"), f"{table.name}.{fk.parent.name}"
