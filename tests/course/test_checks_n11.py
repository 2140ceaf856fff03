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


async def test_the_solution_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n11.post_like(solution, PREDICTED))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 9 and all(line.startswith("✔") for line in lines)


async def test_the_skeleton_fails(capsys: pytest.CaptureFixture[str]) -> None:
    skeleton_guess = dict.fromkeys(PREDICTED, ...)
    await course.check(n11.post_like(skeleton, skeleton_guess))
    out = capsys.readouterr().out
    assert "✘ post_like has id, post_id, profile_id, weight: the columns are id" in out
    assert "✘ your predicted pk name: not answered yet" in out
    assert "✔" not in out


async def test_a_wrong_guess_does_not_give_the_answer_away(
    capsys: pytest.CaptureFixture[str],
) -> None:
    await course.check(n11.post_like(solution, {**PREDICTED, "uq": "post_like_post_id_key"}))
    out = capsys.readouterr().out
    assert "✘ your predicted uq name: 'post_like_post_id_key' is not what" in out
    assert "post_id_profile_id_key" not in out


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


async def _out(make: n11.MakeTable, capsys: pytest.CaptureFixture[str]) -> str:
    await course.check(n11.post_like(make, PREDICTED))
    return capsys.readouterr().out


async def test_an_unnamed_check_fails_once_and_says_why(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = await _out(unnamed_check, capsys)
    assert (
        "✘ weight 0 is refused by a check named weight_positive: the CheckConstraint has no name"
        in out
    )
    assert out.count("✘") == 1


async def test_a_table_on_its_own_metadata_fails(capsys: pytest.CaptureFixture[str]) -> None:
    out = await _out(own_metadata, capsys)
    assert "the table is on another MetaData: define it on the `metadata` argument" in out


async def test_a_name_written_by_hand_fails(capsys: pytest.CaptureFixture[str]) -> None:
    out = await _out(named_by_hand, capsys)
    assert "you named the unique constraint yourself (post_like_post_id_profile_id_key)" in out
    assert out.count("✘") == 1


async def test_unique_on_each_column_fails(capsys: pytest.CaptureFixture[str]) -> None:
    out = await _out(unique_each, capsys)
    assert "one UniqueConstraint over both columns, not unique=True on each" in out
    assert out.count("✘") == 1
