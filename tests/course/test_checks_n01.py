import ast
from pathlib import Path

import pytest

import course
from course.checks import n01
from course.labs import n01_imports as imports
from tests.course.wrong import Wrong


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


def skeleton(root: Path) -> dict[str, set[str]]:  # type: ignore[empty-body]
    """{"domains.posts": {"auth", ...}, ...}: the other domain packages each one imports."""
    # every file: sorted(root.rglob("*.py"))
    ...


def grep_lines(root: Path) -> dict[str, set[str]]:
    """The anti-pattern: imports read as text, a line at a time, instead of parsed."""
    graph: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        own = imports.package_of(imports.module_name(path, root))
        for line in path.read_text().splitlines():
            if line.startswith(("from ", "import ")):
                other = imports.package_of(line.split()[1])
                if own and other and other != own:
                    graph.setdefault(own, set()).add(other)
    return graph


PLAYGROUND = domain_graph(imports.PACKAGE)


def hard_coded(root: Path) -> dict[str, set[str]]:
    """The playground's graph as the notebook prints it, whatever the root."""
    return PLAYGROUND


def from_only(root: Path) -> dict[str, set[str]]:
    """The likeliest slip: ``import a.b`` forgotten."""
    graph: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        own = imports.package_of(imports.module_name(path, root))
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                other = imports.package_of(node.module)
                if own and other and other != own:
                    graph.setdefault(own, set()).add(other)
    return graph


def counts_itself(root: Path) -> dict[str, set[str]]:
    """A slip: a package's imports of itself kept."""
    graph: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        own = imports.package_of(imports.module_name(path, root))
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module]
            else:
                continue
            for target in targets:
                other = imports.package_of(target)
                if own and other:
                    graph.setdefault(own, set()).add(other)
    return graph


def no_return(root: Path) -> dict[str, set[str]]:
    """A slip: the graph built, never returned."""
    domain_graph(root)
    return None  # type: ignore[return-value]


SKELETON = skeleton
WRONG = [
    Wrong(
        "imports read as text",
        grep_lines,
        "a small package made for this check",
        "written `def later(): from ",
    ),
    Wrong(
        "the playground's graph hard-coded",
        hard_coded,
        "a small package made for this check",
        "your graph has packages that shop_",
    ),
    Wrong(
        "from-imports only",
        from_only,
        "a small package made for this check",
        "written `import shop_",
    ),
    Wrong(
        "a package's imports of itself",
        counts_itself,
        "a small package made for this check",
        "a package importing itself is no edge",
    ),
    Wrong(
        "the graph never returned",
        no_return,
        "a small package made for this check",
        "your function returned None: end it with `return graph`",
    ),
]


async def check_cell(answer: n01.DomainGraph) -> None:
    await course.check(n01.domain_graph_exercise(answer))


async def test_the_solution_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    for _ in range(2):  # a new package each time
        await check_cell(domain_graph)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 6 and all(line.startswith("✔") for line in lines), lines


def test_the_playground_graph_has_no_arrow_from_auth() -> None:
    assert "auth" not in PLAYGROUND
    assert PLAYGROUND["domains.accounts"] == {"auth", "domains.profiles"}
