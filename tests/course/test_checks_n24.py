from collections.abc import Callable

import pytest
from fastapi import Request

import course
from course.checks import n24
from tests.course.wrong import Wrong


def solution(request: Request) -> str:
    route = request.scope.get("route")
    return route.path if route is not None else "none"


def raw_path(request: Request) -> str:
    return request.url.path  # the anti-pattern: a series per id


def hard_coded(request: Request) -> str:
    return "/parcel/{parcel_id}"


def endpoint_name(request: Request) -> str:
    route = request.scope.get("route")
    return route.name if route is not None else "none"


def no_route_unguarded(request: Request) -> str:
    return str(request.scope["route"].path)


def raw_path_when_unmatched(request: Request) -> str:
    route = request.scope.get("route")
    return route.path if route is not None else request.url.path


def skeleton(request: Request) -> str:  # type: ignore[empty-body]
    """The value of the ``route`` label for this request."""
    ...


def _lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().out.splitlines()


async def test_the_solution_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n24.route_label(solution))
    assert _lines(capsys) == [
        "✔ requests to one route with many ids make one series",
        "✔ the label is the route's path template",
        "✔ requests no route matched share one label",
    ]


SKELETON = skeleton
ONE = "requests to one route with many ids make one series"
TEMPLATE = "the label is the route's path template"
UNMATCHED = "requests no route matched share one label"
WRONG = [
    Wrong("labelled by the raw path", raw_path, ONE, "labelled by the raw path"),
    Wrong("a hard-coded template", hard_coded, TEMPLATE, "a fixed string"),
    Wrong("the endpoint's name", endpoint_name, TEMPLATE, "the endpoint's name"),
    Wrong("no guard for an unmatched path", no_route_unguarded, UNMATCHED, "raised KeyError"),
    Wrong(
        "the raw path when no route matched",
        raw_path_when_unmatched,
        UNMATCHED,
        "each unmatched path got its own label",
    ),
]


async def check_cell(label: Callable[[Request], str]) -> None:
    await course.check(n24.route_label(label))


async def test_the_skeleton_is_not_answered(capsys: pytest.CaptureFixture[str]) -> None:
    await check_cell(skeleton)
    lines = _lines(capsys)
    assert [line[0] for line in lines if line[:1] in "✘·"] == ["✘", "·", "·"], lines
    assert "not answered yet" in lines[0]
