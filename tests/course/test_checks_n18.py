import pytest
from fastapi import HTTPException

import course
from course.checks import n18
from course.labs import n18_errors as errors_lab
from playground import exceptions


class InvalidSort(exceptions.BadRequest):
    code = "INVALID_SORT"
    detail = "Invalid sort"


async def solution(sort: str = "created_at:desc") -> errors_lab.SortOrder:
    try:
        return errors_lab.parse_sort(sort)
    except ValueError as exc:
        raise InvalidSort(str(exc)) from exc


async def skeleton(sort: str = "created_at:desc") -> errors_lab.SortOrder: ...  # type: ignore[empty-body]


async def unmapped(sort: str = "created_at:desc") -> errors_lab.SortOrder:
    return errors_lab.parse_sort(sort)


async def http_exception(sort: str = "created_at:desc") -> errors_lab.SortOrder:
    try:
        return errors_lab.parse_sort(sort)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from exc


async def test_the_solution_passes_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n18.mapped_sort(solution, pg))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert all(line.startswith("✔") for line in lines)


async def test_the_skeleton_fails(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n18.mapped_sort(skeleton, pg))
    out = capsys.readouterr().out
    assert out.count("✘") == 3


async def test_an_unmapped_value_error_is_a_logged_500(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n18.mapped_sort(unmapped, pg))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("✔")
    assert lines[1].startswith("✘ ?sort=likes:desc is a 400, not a 500") and "HTTP 500" in lines[1]


async def test_an_http_exception_misses_the_code(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n18.mapped_sort(http_exception, pg))
    lines = [line for line in capsys.readouterr().out.splitlines() if not line.startswith(" ")]
    assert [line[0] for line in lines] == ["✔", "✔", "✘"]
    assert "'code': 'BAD_REQUEST'" in lines[2]


def test_parse_sort() -> None:
    assert errors_lab.parse_sort("created_at:desc") == errors_lab.SortOrder("created_at", True)
    with pytest.raises(ValueError, match="direction"):
        errors_lab.parse_sort("title:up")


async def test_assert_is_stripped_under_optimize() -> None:
    report = await errors_lab.with_and_without_optimize()
    assert report["python"]["assert"].startswith("refused")
    assert report["python -O"]["assert"] == "accepted"
    assert report["python -O"]["ValueError"].startswith("refused: Value error")


def test_the_child_validators_in_process() -> None:
    from course.labs import n18_errors_child as errors_child

    assert errors_child.verdict(errors_child.WithValueError, "long enough") == "accepted"
    assert errors_child.verdict(errors_child.WithValueError, "short").startswith("refused")


async def hard_coded(sort: str = "created_at:desc") -> errors_lab.SortOrder:
    try:
        return errors_lab.parse_sort(sort)
    except ValueError:
        raise InvalidSort("unknown sort field 'likes'") from None  # the notebook's one example


async def test_a_hard_coded_message_is_caught(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n18.mapped_sort(hard_coded, pg))
    lines = [line for line in capsys.readouterr().out.splitlines() if not line.startswith(" ")]
    assert [line[0] for line in lines] == ["✔", "✔", "✘"]
    assert "'detail': \"unknown sort field 'likes'\"" in lines[2]
