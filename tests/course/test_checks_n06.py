import re

import pytest
from fastapi import FastAPI

import course
from course.checks import n06
from course.labs import n04_graph as graph
from tests.course.wrong import Wrong


def solution(app: FastAPI) -> dict[str, set[str]]:
    problems: dict[str, set[str]] = {}
    for route in course.routes(app):
        declared = set(re.findall(r"\{(\w+)(?::\w+)?\}", route.path))
        nodes = [route.dependant, *(child for _, child in graph.walk(route.dependant))]
        read = {field.name for node in nodes for field in node.path_params}
        if declared - read:
            problems[f"{route.methods} {route.path}"] = declared - read
    return problems


def skeleton(app: FastAPI) -> dict[str, set[str]]:
    problems: dict[str, set[str]] = {}
    for route in course.routes(app):
        declared = set(re.findall(r"\{(\w+)(?::\w+)?\}", route.path))  # {post_id}, {f:path}
        read: set[str] = set()  # your code: the path_params of the endpoint and its graph
        if declared - read:
            ...  # your code: record the unread names under "METHOD /path"
    return problems


def endpoint_only(app: FastAPI) -> dict[str, set[str]]:
    """The anti-pattern's blind spot: only what the endpoint itself reads, not its chain."""
    problems: dict[str, set[str]] = {}
    for route in course.routes(app):
        declared = set(re.findall(r"\{(\w+)(?::\w+)?\}", route.path))
        read = {field.name for field in route.dependant.path_params}
        if declared - read:
            problems[f"{route.methods} {route.path}"] = declared - read
    return problems


def hard_coded(app: FastAPI) -> dict[str, set[str]]:
    """The answers the notebook prints, returned where their paths appear."""
    paths = {route.path for route in course.routes(app)}
    known = {
        "GET /creators/{creator_id}": {"creator_id"},
        "GET /teams/{team_id}/members/{member_id}": {"member_id"},
        "DELETE /teams/{team_id}": {"team_id"},
    }
    return {key: names for key, names in known.items() if key.split(" ", 1)[1] in paths}


def below_only(app: FastAPI) -> dict[str, set[str]]:
    """The likeliest slip: the nodes below the endpoint, not the endpoint itself."""
    problems: dict[str, set[str]] = {}
    for route in course.routes(app):
        declared = set(re.findall(r"\{(\w+)(?::\w+)?\}", route.path))
        read = {
            field.name for _, child in graph.walk(route.dependant) for field in child.path_params
        }
        if declared - read:
            problems[f"{route.methods} {route.path}"] = declared - read
    return problems


def keyed_by_path(app: FastAPI) -> dict[str, set[str]]:
    """A slip: the path alone as the key."""
    return {key.split(" ", 1)[1]: names for key, names in solution(app).items()}


def converter_kept(app: FastAPI) -> dict[str, set[str]]:
    """A slip: ``{name:path}`` read as a variable called ``name:path``."""
    problems: dict[str, set[str]] = {}
    for route in course.routes(app):
        declared = set(re.findall(r"\{([^}]+)\}", route.path))
        nodes = [route.dependant, *(child for _, child in graph.walk(route.dependant))]
        read = {field.name for node in nodes for field in node.path_params}
        if declared - read:
            problems[f"{route.methods} {route.path}"] = declared - read
    return problems


SKELETON = skeleton
PLAYGROUND = "the playground, plus one route whose variable nobody reads"
WRONG = [
    Wrong(
        "the endpoint alone",
        endpoint_only,
        PLAYGROUND,
        "these are read by someone: {",
    ),
    Wrong(
        "hard-coded answers",
        hard_coded,
        PLAYGROUND,
        "a route made for this check, on a path you have not seen",
    ),
    Wrong(
        "the nodes below alone",
        below_only,
        "an endpoint that reads a variable itself counts",
        "these are read by someone: {'GET /files/{file_path:path}': ['file_path'], "
        "'GET /group/{group_id}/members/{member_id}': ['group_id']}",
    ),
    Wrong(
        "keys without the method",
        keyed_by_path,
        PLAYGROUND,
        'key by "METHOD /path", not the path alone',
    ),
    Wrong(
        "a converter kept in the name",
        converter_kept,
        "an endpoint that reads a variable itself counts",
        "['file_path:path']",
    ),
]


async def check_cell(answer: n06.Finder) -> None:
    async with await course.start() as pg:
        await course.check(n06.unread_path_variables(pg, answer))


async def test_the_solution_passes_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(2):  # new apps each time
        await course.check(n06.unread_path_variables(pg, solution))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 6 and all(line.startswith("✔") for line in lines), lines
