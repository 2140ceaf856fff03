import ast
from pathlib import Path

import pytest

import course
from course.checks import n01
from course.labs import n01_imports as imports


def domain_graph(root: Path) -> dict[str, set[str]]:
    """The notebook's solution."""
    graph: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        module = imports.module_name(path, root)
        own = imports.package_of(module)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module]
            else:
                continue
            for target in targets:
                other = imports.package_of(target)
                if own and other and other != own:
                    graph.setdefault(own, set()).add(other)
    return graph


def skeleton(root: Path) -> dict[str, set[str]]:
    return ...  # type: ignore[return-value]


def from_only(root: Path) -> dict[str, set[str]]:
    """A near miss: ``import a.b`` forgotten."""
    graph: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        own = imports.package_of(imports.module_name(path, root))
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                other = imports.package_of(node.module)
                if own and other and other != own:
                    graph.setdefault(own, set()).add(other)
    return graph


async def test_the_solution_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n01.domain_graph_exercise(domain_graph))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and all(line.startswith("✔") for line in lines), lines


async def test_the_skeleton_and_a_near_miss_fail(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n01.domain_graph_exercise(skeleton))
    assert capsys.readouterr().out.count("not answered yet") == 3
    await course.check(n01.domain_graph_exercise(from_only))
    assert "✘ a small package" in capsys.readouterr().out


def test_the_playground_graph_has_no_arrow_from_auth() -> None:
    graph = domain_graph(imports.PACKAGE)
    assert "auth" not in graph
    assert graph["domains.accounts"] == {"auth", "domains.profiles"}
