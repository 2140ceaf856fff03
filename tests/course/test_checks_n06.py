import re

import pytest
from fastapi import FastAPI

import course
from course.checks import n06
from course.labs import n04_graph as graph


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
        set(re.findall(r"\{(\w+)(?::\w+)?\}", route.path))
    return problems


def keyed_by_path(app: FastAPI) -> dict[str, set[str]]:
    return {key.split(" ", 1)[1]: names for key, names in solution(app).items()}


def _lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().out.splitlines()


async def test_the_solution_passes_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n06.unread_path_variables(pg, solution))
    lines = _lines(capsys)
    assert len(lines) == 3
    assert all(line.startswith("✔") for line in lines), lines


async def test_the_skeleton_fails(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n06.unread_path_variables(pg, skeleton))
    lines = _lines(capsys)
    assert lines[0] == "✔ the playground: every path variable is read"
    assert lines[1].startswith("✘ /creators/{creator_id}: creator_id is read by nobody: expected")


async def test_keys_without_the_method_fail(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n06.unread_path_variables(pg, keyed_by_path))
    assert sum(line.startswith("✘") for line in _lines(capsys)) == 2
