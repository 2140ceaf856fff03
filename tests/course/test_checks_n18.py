import pytest
from fastapi import HTTPException

import course
from course.checks import n18
from course.labs import n18_errors as errors_lab
from playground import exceptions
from tests.course.wrong import Wrong


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


SKELETON = skeleton
SHAPE = "the 400 is {'detail': <the ValueError's message>, 'code': 'INVALID_SORT'}"
WRONG = [
    Wrong(
        "the ValueError left unmapped",
        unmapped,
        "?sort=likes:desc is a 400, not a 500",
        "parse_sort's ValueError left the dependency unmapped; catch it and raise InvalidSort",
    ),
    Wrong(
        "HTTPException",
        http_exception,
        SHAPE,
        "HTTPException carries no code of ours; raise InvalidSort",
    ),
    Wrong(
        "a hard-coded message",
        hard_coded,
        SHAPE,
        "the detail is not the ValueError's message",
    ),
]


async def check_cell(dependency: object) -> None:
    async with await course.start() as pg:
        await course.check(n18.mapped_sort(dependency, pg))  # type: ignore[arg-type]
