"""Checks for notebook 11: a ``post_like`` table on the playground's naming convention."""

import re
from collections.abc import Callable, Mapping

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    MetaData,
    Table,
    UniqueConstraint,
    create_engine,
    insert,
    inspect,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError, InvalidRequestError
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlalchemy.sql.elements import conv

from course.exercises import Check, Unanswered, answered
from playground.database import NAMING_CONVENTION

MakeTable = Callable[[MetaData], Table]
KINDS = {"pk": "PRIMARY KEY", "fk": "FOREIGN KEY", "uq": "UNIQUE", "ck": "CHECK"}
COLUMNS = ("id", "post_id", "profile_id", "weight")


UNNAMED_CHECK = (
    "the CheckConstraint has no name, and the convention's ck template needs "
    '%(constraint_name)s: CheckConstraint("weight > 0", name="weight_positive")'
)


def fresh_metadata(*, ck: bool = True) -> MetaData:
    """A MetaData on the playground's naming convention (without its ``ck`` template if not
    ``ck``), holding a ``post`` table."""
    convention = {k: v for k, v in NAMING_CONVENTION.items() if ck or k != "ck"}
    metadata = MetaData(naming_convention=convention)
    Table("post", metadata, Column("id", Integer, primary_key=True))
    return metadata


def _table(make_table: MakeTable, *, ck: bool = False) -> Table:
    """The learner's table. Only the ck check (``ck``) builds it on the ck template: an unnamed
    check is one mistake, told by that check alone."""
    given = fresh_metadata()
    try:
        table = answered(make_table(given))
    except InvalidRequestError as exc:
        if "%(constraint_name)s" not in str(exc):
            raise
        if ck:
            raise AssertionError(UNNAMED_CHECK) from None
        given = fresh_metadata(ck=False)
        table = answered(make_table(given))
    assert isinstance(table, Table) and table.name == "post_like", "return the post_like Table"
    assert table.metadata is given, (
        "the table is on another MetaData: define it on the `metadata` argument, which carries "
        "the naming convention"
    )
    return table


def _complete(make_table: MakeTable, *, ck: bool = False) -> Table:
    table = _table(make_table, ck=ck)
    missing = [name for name in COLUMNS if name not in table.c]
    assert not missing, f"add the columns first ({', '.join(missing)})"
    return table


def names(table: Table) -> dict[str, str]:
    """The name the convention gives each kind of constraint (and the index) of a table."""
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    ddl = str(CreateTable(table).compile(dialect=dialect))
    found = {
        kind: match.group(1)
        for kind, keyword in KINDS.items()
        if (match := re.search(rf"CONSTRAINT (\w+) {keyword}", ddl))
    }
    for index in table.indexes:
        found["ix"] = str(CreateIndex(index).compile(dialect=dialect)).split()[2]
    return found


def _reference(metadata: MetaData) -> Table:
    return Table(
        "post_like",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("post_id", ForeignKey("post.id"), nullable=False),
        Column("profile_id", Integer, nullable=False, index=True),
        Column("weight", Integer, nullable=False),
        UniqueConstraint("post_id", "profile_id"),
        CheckConstraint("weight > 0", name="weight_positive"),
    )


def _refused(table: Table, *rows: dict[str, int]) -> bool:
    """Whether SQLite refuses the last of ``rows`` (the ones before it go in fine)."""
    engine = create_engine("sqlite://")
    try:
        table.metadata.create_all(engine)
        with engine.begin() as connection:
            post = table.metadata.tables["post"]
            connection.execute(insert(post).values([{"id": 1}, {"id": 2}]))
            for row in rows[:-1]:
                connection.execute(insert(table).values(**row))
            try:
                with connection.begin_nested():
                    connection.execute(insert(table).values(**rows[-1]))
            except IntegrityError:
                return True
            return False
    finally:
        engine.dispose()


def post_like(make_table: MakeTable, predicted: Mapping[str, object]) -> list[Check]:
    """The learner's ``post_like`` table, and the five names they predicted for it."""
    expected = names(_reference(fresh_metadata()))

    def columns() -> None:
        have = tuple(_table(make_table).columns.keys())
        if have == ("id",):
            raise Unanswered("not answered yet: post_like has only its id; add the other columns")
        assert set(have) == set(COLUMNS), f"the columns are {', '.join(have)}"

    def keys() -> None:
        table = _table(make_table)
        assert "post_id" in table.c and "profile_id" in table.c, "add post_id and profile_id"
        targets = {fk.target_fullname for fk in table.c.post_id.foreign_keys}
        assert targets == {"post.id"}, "post_id does not reference post.id"
        assert table.c.profile_id.index, "profile_id has no index"

    def unique() -> None:
        table = _complete(make_table)
        named = [  # a name the convention made is a `conv`; one written in is a plain str
            str(c.name)
            for c in table.constraints
            if isinstance(c, UniqueConstraint) and c.name and not isinstance(c.name, conv)
        ]
        assert not named, (
            f"you named the unique constraint yourself ({', '.join(named)}): "
            "leave name= off, the convention names it"
        )
        like = {"post_id": 1, "profile_id": 1, "weight": 1}
        assert _refused(table, like, like), "the same like went in twice"
        for other in ({"post_id": 1, "profile_id": 2}, {"post_id": 2, "profile_id": 1}):
            assert not _refused(table, like, {**other, "weight": 1}), (
                f"{other} was refused after {like}: one UniqueConstraint over both columns, "
                "not unique=True on each"
            )

    def check() -> None:
        table = _complete(make_table, ck=True)
        zero = {"post_id": 1, "profile_id": 1, "weight": 0}
        assert _refused(table, zero), "weight 0 went in"
        engine = create_engine("sqlite://")
        table.metadata.create_all(engine)
        with engine.connect() as connection:
            checks = inspect(connection).get_check_constraints("post_like")
        engine.dispose()
        assert [c["name"] for c in checks] == [expected["ck"]], "name the check weight_positive"

    def prediction(kind: str) -> Callable[[], None]:
        def test() -> None:
            guess = answered(predicted.get(kind))
            assert guess == expected[kind], f"{guess!r} is not what the convention makes"

        return test

    table = Check("post_like has id, post_id, profile_id, weight", "four Columns", columns)
    return [
        table,  # the table's other checks need its columns, on the metadata handed in
        Check(
            "post_id references post.id, profile_id is indexed",
            'ForeignKey("post.id"), index=True',
            keys,
            needs=table,
        ),
        Check(
            "a second like of a post by the same profile is refused",
            'UniqueConstraint("post_id", "profile_id")',
            unique,
            needs=table,
        ),
        Check(
            "weight 0 is refused by a check named weight_positive",
            'CheckConstraint("weight > 0", name="weight_positive")',
            check,
            needs=table,
        ),
        *(
            Check(
                f"your predicted {kind} name",
                f"fill in the {kind!r} template of NAMING_CONVENTION",
                prediction(kind),
            )
            for kind in ("pk", "fk", "uq", "ix", "ck")
        ),
    ]
