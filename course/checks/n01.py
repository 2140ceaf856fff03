"""Notebook 01's exercise: the graph of imports between domain packages."""

import random
from collections.abc import Callable
from pathlib import Path

import grimp

import course
from course.labs import n01_imports as imports

DomainGraph = Callable[[Path], dict[str, set[str]]]

DOMAINS = ["orders", "stock", "billing", "carts", "reviews", "coupons", "invoices", "tags"]
FORMS = [
    "import {pkg}.{target}.models",
    "from {pkg}.{target} import service as {alias}_service",
    "from {pkg}.{target}.models import Thing",
    "def later():\n    from {pkg}.{target} import models\n",
]


def _small_package() -> tuple[str, dict[str, str], dict[str, set[str]], dict[str, str]]:
    """A package made for this check: its name, files, true graph, and each edge's import line.

    Its domains, its edges and the form each import is written in are drawn at random.
    """
    pkg = f"shop_{random.randrange(16**6):06x}"
    names = [f"domains.{name}" for name in random.sample(DOMAINS, 4)]
    edges = [(own, other) for own in names for other in ["auth", *names] if own != other]
    chosen = random.sample(edges, 6)
    files = {
        "config.py": "LIMIT = 3\n",
        "main.py": f"from {pkg}.{names[0]} import router as first_router\n",
        "auth/service.py": f"from {pkg} import config\nimport os\n",
    }
    for own in names:  # every domain imports itself, relatively and absolutely: not an edge
        path = own.replace(".", "/")
        files[f"{path}/models.py"] = "Thing = object\n"
        files[f"{path}/service.py"] = f"from {pkg}.{own} import models\nfrom . import models\n"
    truth: dict[str, set[str]] = {}
    lines: dict[str, str] = {}
    for index, (own, other) in enumerate(chosen):
        line = FORMS[index % len(FORMS)].format(
            pkg=pkg, target=other, alias=other.rsplit(".", 1)[-1]
        )
        router = f"{own.replace('.', '/')}/router.py"
        files[router] = files.get(router, "") + line + "\n"
        truth.setdefault(own, set()).add(other)
        lines[f"{own} -> {other}"] = " ".join(line.split())
    return pkg, files, truth, lines


def _edges(graph: object) -> dict[str, set[str]]:
    assert graph is not None, "your function returned None: end it with `return graph`"
    assert isinstance(graph, dict), f"expected a dict, got {type(graph).__name__}"
    return {key: set(value) for key, value in graph.items() if value}


def _truth() -> dict[str, set[str]]:
    """The playground's domain graph as grimp (import-linter's graph) sees it."""
    graph = grimp.build_graph(imports.PACKAGE.name, cache_dir=None)
    edges: dict[str, set[str]] = {}
    for module in graph.modules:
        own = imports.package_of(module)
        for imported in graph.find_modules_directly_imported_by(module):
            other = imports.package_of(imported)
            if own and other and other != own:
                edges.setdefault(own, set()).add(other)
    return edges


def domain_graph_exercise(domain_graph: DomainGraph) -> list[course.Check]:
    """The learner's ``domain_graph(root)`` on a small package and on the playground."""

    def small_package() -> None:
        pkg, files, truth, lines = _small_package()
        with imports.scratch_package(pkg, files) as root:
            found = _edges(course.answered(domain_graph)(root))
        present = {imports.package_of(f"{pkg}.{name[:-3].replace('/', '.')}") for name in files}
        foreign = sorted({own for own in found if own not in present})
        assert not foreign, (
            f"your graph has packages that {pkg} does not have ({', '.join(foreign)}): build it "
            "from the files under `root`, not from the graph you know"
        )
        missed = [
            f"{edge}, written `{line}`"
            for edge, line in lines.items()
            if edge.split(" -> ")[1] not in found.get(edge.split(" -> ")[0], set())
        ]
        extra = [
            (own, other) for own, uses in found.items() for other in uses - truth.get(own, set())
        ]
        itself = sorted(own for own, other in extra if own == other)
        others = sorted(f"{own} -> {other}" for own, other in extra if own != other)
        wrong = [f"missed {'; '.join(missed)}"] if missed else []
        wrong += [f"a package importing itself is no edge: {', '.join(itself)}"] if itself else []
        wrong += [f"{pkg} has no import for {', '.join(others)}"] if others else []
        assert not wrong, "; and ".join(wrong)

    def the_playground() -> None:
        found, truth = _edges(course.answered(domain_graph)(imports.PACKAGE)), _truth()
        found = {own: uses - {own} for own, uses in found.items()}  # the small package's check
        missing = {k: v - found.get(k, set()) for k, v in truth.items() if v - found.get(k, set())}
        extra = {k: v - truth.get(k, set()) for k, v in found.items() if v - truth.get(k, set())}
        assert not missing and not extra, f"missing {missing}, extra {extra}"

    def auth_sees_no_domain() -> None:
        found = _edges(course.answered(domain_graph)(imports.PACKAGE))
        domains = sorted(other for other in found.get("auth", set()) if other != "auth")
        assert not domains, f"auth imports {', '.join(domains)}"
        assert found, "an empty graph proves nothing"

    small = course.Check(
        "a small package made for this check: every cross-package import, in any form",
        "count `import a.b`, `from a.b import c` and imports inside functions; skip a "
        "package's imports of itself and modules outside auth/ and domains/",
        small_package,
    )
    return [
        small,
        course.Check(
            "the playground: the same edges as import-linter's graph",
            "walk every module with root.rglob('*.py') and ast.walk",
            the_playground,
            needs=small,
        ),
        course.Check(
            "your graph shows auth importing no domain",
            "auth is the lower layer: registration's profile lives in domains/accounts",
            auth_sees_no_domain,
            needs=small,
        ),
    ]
