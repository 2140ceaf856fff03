"""Notebook 01's exercise: the graph of imports between domain packages."""

from collections.abc import Callable
from pathlib import Path

import grimp

import course
from course.labs import n01_imports as imports

DomainGraph = Callable[[Path], dict[str, set[str]]]

SHOP = {
    "config.py": "LIMIT = 3\n",
    "main.py": "from shop.domains.orders import router as orders_router\n",
    "auth/service.py": "from shop import config\n",
    "domains/billing/models.py": "from shop.auth import service as auth_service\n",
    "domains/orders/service.py": (
        "import shop.domains.stock.models\nfrom shop.domains.orders import models\n"
    ),
    "domains/orders/models.py": "",
    "domains/stock/models.py": "",
    "domains/orders/router.py": (
        "from shop.auth import service as auth_service\n"
        "from shop.domains.orders import service\n"
        "def later():\n    from shop.domains.billing.models import X\n"
    ),
}
SHOP_GRAPH = {
    "domains.billing": {"auth"},
    "domains.orders": {"auth", "domains.billing", "domains.stock"},
}


def _edges(graph: object) -> dict[str, set[str]]:
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
        with imports.scratch_package("shop", SHOP) as root:
            found = _edges(course.answered(domain_graph(root)))
        assert found == SHOP_GRAPH, f"expected {SHOP_GRAPH}, got {found}"

    def the_playground() -> None:
        found, truth = _edges(course.answered(domain_graph(imports.PACKAGE))), _truth()
        missing = {k: v - found.get(k, set()) for k, v in truth.items() if v - found.get(k, set())}
        extra = {k: v - truth.get(k, set()) for k, v in found.items() if v - truth.get(k, set())}
        assert not missing and not extra, f"missing {missing}, extra {extra}"

    def auth_sees_no_domain() -> None:
        found = _edges(course.answered(domain_graph(imports.PACKAGE)))
        assert "auth" not in found, f"auth imports {found['auth']}"
        assert found, "an empty graph proves nothing"

    return [
        course.Check(
            "a small package: every cross-package import, in any form",
            "count `import a.b`, `from a.b import c` and imports inside functions; skip a "
            "package's imports of itself and modules outside auth/ and domains/",
            small_package,
        ),
        course.Check(
            "the playground: the same edges as import-linter's graph",
            "walk every module with root.rglob('*.py') and ast.walk",
            the_playground,
        ),
        course.Check(
            "your graph shows auth importing no domain",
            "auth is the lower layer: registration's profile lives in domains/accounts",
            auth_sees_no_domain,
        ),
    ]
