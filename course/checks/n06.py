"""Notebook 06's exercise: find the path variables that no function in a route's graph reads.

Every app the checks hand over is made for that run, with variable names drawn at random, so an
answer has to read the graph, not remember the paths.
"""

import inspect
import random
import uuid
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from course.exercises import Check, answered
from course.sandbox import Playground
from playground.domains.creators import dependencies as creators_dependencies

Finder = Callable[[FastAPI], dict[str, set[str]]]
WORDS = ["team", "room", "shelf", "album", "course", "garden", "fleet", "board"]


def _name() -> str:
    return f"{random.choice(WORDS)}_{uuid.uuid4().hex[:4]}"


def _endpoint(*reads: str) -> Callable[..., Any]:
    """An endpoint whose own parameters are ``reads`` (path variables, as ints)."""

    async def endpoint(**values: int) -> None:
        return None

    endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=int) for name in reads]
    )
    return endpoint


Made = tuple[FastAPI, dict[str, set[str]], dict[str, str]]  # app, expected, name -> label


def _playground_plus_one(pg: Playground) -> Made:
    """The playground's routes and one more whose variable nobody reads."""
    app = FastAPI()
    app.router.routes.extend(pg.app.router.routes)
    name = _name()
    path = f"/{name}/{{{name}_id}}"
    app.get(path)(_endpoint())
    return app, {f"GET {path}": {f"{name}_id"}}, {name: "added"}


def _renamed() -> Made:
    """The notebook's anti-pattern: ``/creators/{<another name>}`` over ``valid_profile_id``."""
    app = FastAPI()
    variable = f"{random.choice(['creator', 'maker', 'author'])}_{uuid.uuid4().hex[:4]}_id"
    path = f"/creators/{{{variable}}}"

    async def read_creator_renamed(creator: creators_dependencies.ValidCreator) -> None:
        return None

    app.get(path)(read_creator_renamed)
    return app, {f"GET {path}": {variable}}, {variable: "creator_id"}


def _mixed() -> Made:
    """One variable read by the endpoint itself, one read by nobody, one ``:path`` converter."""
    app = FastAPI()
    group, member, file = _name(), _name(), _name()
    members = f"/{group}/{{{group}_id}}/members/{{{member}_id}}"
    app.get(members)(_endpoint(f"{group}_id"))
    app.get(f"/files/{{{file}_path:path}}")(_endpoint(f"{file}_path"))
    delete = f"/{group}/{{{group}_id}}"
    app.delete(delete)(_endpoint())
    expected = {f"GET {members}": {f"{member}_id"}, f"DELETE {delete}": {f"{group}_id"}}
    return app, expected, {group: "group", member: "member", file: "file"}


def _show(found: dict[str, set[str]], labels: dict[str, str]) -> str:
    """A dict of sets, in an order that does not change from run to run (sorted by what the
    keys read like once this run's random names are masked)."""
    keys = sorted(found, key=lambda key: _masked(key, labels))
    return "{" + ", ".join(f"{k!r}: {sorted(found[k])}" for k in keys) + "}"


def _masked(text: str, labels: dict[str, str]) -> str:
    """``text`` with this run's random names replaced by what they stand for, so the same
    mistake reads the same on every run."""
    for name, label in labels.items():
        text = text.replace(name, label)
    return text


def _compare(finder: Finder, made: Made) -> None:
    app, expected, labels = made
    try:
        _judge(finder, app, expected, labels)
    except AssertionError as exc:
        raise AssertionError(_masked(str(exc), labels)) from None


def _judge(
    finder: Finder, app: FastAPI, expected: dict[str, set[str]], labels: dict[str, str]
) -> None:
    got = answered(finder)(app)
    assert got is not None, "your function returned None: end it with `return problems`"
    assert isinstance(got, dict), f"expected a dict, got {type(got).__name__}"
    keys = {key.split(" ", 1)[-1] for key in expected}
    assert not (set(got) & keys), f'key by "METHOD /path", not the path alone: got {sorted(got)}'
    read = {
        k: set(v) - expected.get(k, set())
        for k, v in got.items()
        if set(v) - expected.get(k, set())
    }
    missed = {k: v - set(got.get(k, ())) for k, v in expected.items() if v - set(got.get(k, ()))}
    wrong = [f"these are read by someone: {_show(read, labels)}"] if read else []
    wrong += [f"missed {_show(missed, labels)}"] if missed else []
    assert not wrong, "; ".join(wrong)


def unread_path_variables(pg: Playground, finder: Finder) -> list[Check]:
    """Checks for ``unread_path_variables(app)`` on the playground and on broken apps; the
    unseen apps wait until the playground passes (the same mistake would fail them too)."""

    def playground_plus_one() -> None:
        try:
            _compare(finder, _playground_plus_one(pg))
        except AssertionError as exc:
            if "missed {'GET /added/{added_id}'" not in str(exc):
                raise
            raise AssertionError(
                f"{exc}: a route made for this check, on a path you have not seen; read each "
                "route's graph, not the paths you know"
            ) from None

    playground = Check(
        "the playground, plus one route whose variable nobody reads: only that one",
        "look at the endpoint's path_params and every node's below it (graph.walk)",
        playground_plus_one,
    )
    return [
        playground,
        Check(
            "/creators/{<another name>}: that variable is read by nobody",
            'the dependency reads profile_id; key by "METHOD /path"',
            lambda: _compare(finder, _renamed()),
            needs=playground,
        ),
        Check(
            "an endpoint that reads a variable itself counts; {name:path} is a variable too",
            "include route.dependant itself; strip the :converter from the name",
            lambda: _compare(finder, _mixed()),
            needs=playground,
        ),
    ]
