"""A route's dependency graph, read from the app: walk it, draw it, and record what runs."""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant

from course.display import RouteInfo, routes


def route(app: FastAPI, method: str, path: str) -> RouteInfo:
    """The app's route for ``method`` and ``path`` (as declared, e.g. ``/posts/{post_id}``)."""
    for info in routes(app):
        if info.path == path and method.upper() in info.methods.split(","):
            return info
    raise LookupError(f"no route {method} {path}")


def walk(dependant: Dependant) -> Iterator[tuple[Any, Dependant]]:
    """Every ``(parent call, child)`` edge below ``dependant``, depth first, repeats included."""
    for child in dependant.dependencies:
        yield dependant.call, child
        yield from walk(child)


def edges(dependant: Dependant) -> set[tuple[Any, Any]]:
    """The graph's edges as ``(parent function, child function)`` pairs."""
    return {(parent, child.call) for parent, child in walk(dependant)}


def calls(dependant: Dependant) -> set[Any]:
    """Every function (or security scheme) the graph below ``dependant`` calls."""
    return {child.call for _, child in walk(dependant)}


def label(call: Any) -> str:
    """``module.name`` of a dependency (a security scheme is an instance: its class name)."""
    name = getattr(call, "__name__", type(call).__name__)
    return f"{call.__module__}.{name}"


def tree(info: RouteInfo) -> str:
    """The route's graph as a tree: ``path:`` marks path readers, ``(again)`` a repeat."""
    lines = [label(info.endpoint)]
    seen: set[Any] = set()

    def draw(dependant: Dependant, prefix: str) -> None:
        children = dependant.dependencies
        for index, child in enumerate(children):
            last = index == len(children) - 1
            params = [field.name for field in child.path_params]
            note = f"  path: {', '.join(params)}" if params else ""
            again = child.call in seen and bool(child.dependencies)
            branch = "└── " if last else "├── "
            lines.append(f"{prefix}{branch}{label(child.call)}{note}{'  (again)' if again else ''}")
            seen.add(child.call)
            if not again:
                draw(child, prefix + ("    " if last else "│   "))

    draw(info.dependant, "")
    return "\n".join(lines)


def path_readers(dependant: Dependant) -> list[str]:
    """``name(variables)`` of each function in the graph (endpoint included) reading the path."""
    nodes = [dependant, *(child for _, child in walk(dependant))]
    return [
        f"{getattr(node.call, '__name__', '?')}({', '.join(f.name for f in node.path_params)})"
        for node in nodes
        if node.path_params
    ]


def _recording(dependency: Callable[..., Any], log: list[str]) -> Callable[..., Any]:
    @wraps(dependency)  # same signature, so FastAPI solves the same graph
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        log.append(dependency.__name__)
        return await dependency(*args, **kwargs)

    return wrapper


@contextmanager
def record_calls(app: FastAPI, dependencies: Iterable[Callable[..., Any]]) -> Iterator[list[str]]:
    """Log the name of each (async) dependency as FastAPI runs it; overrides restored after.

    Patching the module attribute would count nothing: FastAPI holds the function objects it
    found when the app was built. ``app.dependency_overrides`` is the supported way in.
    """
    log: list[str] = []
    overrides = app.dependency_overrides
    chosen = list(dependencies)
    previous = {dependency: overrides.get(dependency) for dependency in chosen}
    overrides.update({dependency: _recording(dependency, log) for dependency in chosen})
    try:
        yield log
    finally:
        for dependency, before in previous.items():
            if before is None:
                overrides.pop(dependency, None)
            else:
                overrides[dependency] = before
