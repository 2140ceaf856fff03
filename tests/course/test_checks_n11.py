from collections.abc import Mapping

import pytest
from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    MetaData,
    Table,
    UniqueConstraint,
)

import course
from course.checks import n11
from tests.course.wrong import Wrong

PREDICTED = {
    "pk": "post_like_pkey",
    "fk": "post_like_post_id_fkey",
    "uq": "post_like_post_id_profile_id_key",
    "ix": "post_like_profile_id_idx",
    "ck": "post_like_weight_positive_check",
}


def skeleton(metadata: MetaData) -> Table:
    return Table("post_like", metadata, Column("id", Integer, primary_key=True))


def solution(metadata: MetaData) -> Table:
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


def test_names_reads_the_convention_names() -> None:
    assert n11.names(solution(n11.fresh_metadata())) == PREDICTED


def unnamed_check(metadata: MetaData) -> Table:
    """The anti-pattern the lesson warns against: a check the ck template cannot name."""
    table = solution(metadata)
    for constraint in list(table.constraints):
        if isinstance(constraint, CheckConstraint):
            table.constraints.discard(constraint)
    table.append_constraint(CheckConstraint("weight > 0"))
    return table


def own_metadata(metadata: MetaData) -> Table:
    """Hard-coded: a MetaData of its own, not the one handed in (so no naming convention)."""
    return solution(MetaData())


def named_by_hand(metadata: MetaData) -> Table:
    """Hard-coded: the name the check expects, written in instead of left to the convention."""
    table = solution(metadata)
    for constraint in list(table.constraints):
        if isinstance(constraint, UniqueConstraint):
            table.constraints.discard(constraint)
    table.append_constraint(
        UniqueConstraint("post_id", "profile_id", name="post_like_post_id_profile_id_key")
    )
    return table


def unique_each(metadata: MetaData) -> Table:
    """The likeliest slip: unique=True on each column instead of one constraint over both."""
    return Table(
        "post_like",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("post_id", ForeignKey("post.id"), nullable=False, unique=True),
        Column("profile_id", Integer, nullable=False, index=True, unique=True),
        Column("weight", Integer, nullable=False),
        CheckConstraint("weight > 0", name="weight_positive"),
    )


SKELETON = (skeleton, dict.fromkeys(PREDICTED, ...))
TABLE = "post_like has id, post_id, profile_id, weight"
WRONG = [
    Wrong(
        "an unnamed check",
        (unnamed_check, PREDICTED),
        "weight 0 is refused by a check named weight_positive",
        "the CheckConstraint has no name",
    ),
    Wrong(
        "a MetaData of its own",
        (own_metadata, PREDICTED),
        TABLE,
        "the table is on another MetaData: define it on the `metadata` argument",
    ),
    Wrong(
        "a name written by hand",
        (named_by_hand, PREDICTED),
        "a second like of a post by the same profile is refused",
        "you named the unique constraint yourself (post_like_post_id_profile_id_key)",
    ),
    Wrong(
        "unique on each column",
        (unique_each, PREDICTED),
        "a second like of a post by the same profile is refused",
        "one UniqueConstraint over both columns, not unique=True on each",
    ),
    Wrong(
        "a wrong guess",
        (solution, {**PREDICTED, "uq": "post_like_post_id_key"}),
        "your predicted uq name",
        "'post_like_post_id_key' is not what the convention makes",
    ),
]


async def check_cell(answer: tuple[n11.MakeTable, Mapping[str, object]]) -> None:
    await course.check(n11.post_like(*answer))


async def test_the_solution_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    await check_cell((solution, PREDICTED))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 9 and all(line.startswith("✔") for line in lines)


async def test_a_wrong_guess_does_not_give_the_answer_away(
    capsys: pytest.CaptureFixture[str],
) -> None:
    await check_cell((solution, {**PREDICTED, "uq": "post_like_post_id_key"}))
    assert "post_id_profile_id_key" not in capsys.readouterr().out
