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
