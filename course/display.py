"""Deterministic display for notebooks: responses, real source, the route table."""

import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts

if TYPE_CHECKING:
    from IPython.display import Markdown


def show(response: httpx.Response) -> None:
    """Print a response deterministically: status line, then JSON with sorted keys."""
    print(f"HTTP {response.status_code} {response.reason_phrase}")
    if not response.content:
        return
    try:
        body = response.json()
    except ValueError:
        print(response.text)
        return
    print(json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False))


def source(obj: Any) -> str:
    """The real source of a playground object, headed by where it lives."""
    module = inspect.getmodule(obj)
    name = module.__name__ if module else "?"
    lines, start = inspect.getsourcelines(obj)
    return f"# {name}, line {start}\n" + "".join(lines)


def show_source(*objects: Any) -> "Markdown":
    """Render the source of one or more objects (functions, classes, modules) as Markdown."""
    from IPython.display import Markdown  # only notebooks need IPython

    blocks = "\n".join(source(obj) for obj in objects)
    return Markdown(f"```python\n{blocks}```")  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class RouteInfo:
    methods: str
    path: str
    name: str
    endpoint: Callable[..., Any] | None
    dependant: Any


def routes(app: FastAPI) -> list[RouteInfo]:
    """The app's API routes (flattened across included routers), in registration order."""
    table = []
    for context in iter_route_contexts(app.routes):
        methods = context.methods
        if not methods or context.path is None or context.path in {"/openapi.json"}:
            continue
        if context.path.startswith(("/docs", "/redoc")):
            continue
        table.append(
            RouteInfo(
                methods=",".join(sorted(methods - {"HEAD"})),
                path=context.path,
                name=context.name or "",
                endpoint=context.endpoint,
                dependant=getattr(context, "dependant", None),
            )
        )
    return table


def print_routes(app: FastAPI) -> None:
    """A route table: method, path, endpoint name."""
    for route in routes(app):
        print(f"{route.methods:<7} {route.path:<36} {route.name}")
