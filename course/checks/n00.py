"""Notebook 00's exercise: find the routes that need a token, from their dependency trees."""

import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends
from fastapi.routing import APIRoute

import course
from course.labs import n04_graph as graph
from playground.auth import dependencies as auth_dependencies
from playground.config import get_settings

NeedsToken = Callable[[Any], bool]
CHECKER = "n00_checker"


def _mark(needs_token: NeedsToken, dependant: Any, path: str, *, strict: bool = False) -> bool:
    """The learner's answer for one route; only the strict check fails on a non-bool."""
    answer = needs_token(dependant)
    if not strict:
        return bool(answer)
    if answer is None:
        raise AssertionError(
            f"{path}: your function returned None; every way through it must return True or False"
            " (a loop that finds nothing falls off the end: `return False` after it, or any(...))"
        )
    assert isinstance(answer, bool), f"{path}: expected True or False, got {answer!r}"
    return answer


def _marks(
    pg: course.Playground, needs_token: NeedsToken, *, strict: bool = False
) -> dict[tuple[str, str], bool]:
    course.answered(needs_token)
    marks = {}
    for route in course.routes(pg.app):
        if route.dependant is None:
            continue
        answer = _mark(needs_token, route.dependant, route.path, strict=strict)
        for method in route.methods.split(","):
            marks[(method, route.path)] = answer
    return marks


async def parse_jwt_data() -> None:
    """A look-alike: same name as the token dependency, another function."""


def _unseen_routes() -> list[tuple[str, Any, bool, str]]:
    """Routes made for this check, on random paths: ``(path, dependant, needs a token, why)``,
    the most basic mistake first."""

    async def nothing() -> None:
        return None

    async def link(value: Annotated[Any, Depends(nothing)]) -> None:
        return None

    async def endpoint() -> None:
        return None

    cases: list[tuple[list[Callable[..., Any]], bool, str]] = [
        (
            [auth_dependencies.parse_jwt_data],
            True,
            "parse_jwt_data is its own dependency, yet you left it open: judge the dependency "
            "tree, not the routes' names or paths you know",
        ),
        (
            [nothing, link, auth_dependencies.parse_jwt_data],
            True,
            "parse_jwt_data is its third dependency: look at every sub, not only the first",
        ),
        (
            [nothing, parse_jwt_data],
            False,
            "its dependency is only *named* parse_jwt_data: compare functions with `is`",
        ),
        ([link, nothing], False, "nothing in its tree reads a token"),
    ]
    routes = []
    for dependencies, expected, why in cases:
        path = f"/unseen-{uuid.uuid4().hex[:6]}"
        route = APIRoute(path, endpoint, dependencies=[Depends(d) for d in dependencies])
        routes.append((path, route.dependant, expected, why))
    return routes


def _deeper(dependant: Any) -> bool:
    """Whether parse_jwt_data is in this tree only below the route's own dependencies."""
    direct = any(sub.call is auth_dependencies.parse_jwt_data for sub in dependant.dependencies)
    below = {child.call for _, child in graph.walk(dependant)}
    return not direct and auth_dependencies.parse_jwt_data in below


async def _without_token(pg: course.Playground) -> dict[tuple[str, str], int]:
    """Every route called with real ids and no token: its status."""
    user = await pg.user(CHECKER, creator=True)
    post = await pg.client.post("/posts", json={"title": "t", "body": "b"}, headers=user.headers)
    post.raise_for_status()
    ids = {"post_id": post.json()["id"], "user_id": user.id, "profile_id": user.profile_id}
    ids["attachment_id"] = uuid.uuid4()  # refused for want of a token before it is looked up
    # Only the status matters here: the pings need not wait their PING_DELAY_SECONDS.
    no_wait = pg.settings.model_copy(update={"PING_DELAY_SECONDS": 0})
    statuses = {}
    with pg.override(get_settings, lambda: no_wait):
        for route in course.routes(pg.app):
            for method in route.methods.split(","):
                body: dict[str, str] | None = {} if method in {"POST", "PUT", "PATCH"} else None
                response = await pg.client.request(method, route.path.format(**ids), json=body)
                statuses[(method, route.path)] = response.status_code
    return statuses


def token_routes(pg: course.Playground, needs_token: NeedsToken) -> list[course.Check]:
    """The learner's ``needs_token(dependant)`` against what each route answers without a token."""
    measured: dict[tuple[str, str], int] = {}

    async def statuses_without_token() -> dict[tuple[str, str], int]:
        if not measured:  # once per check cell: both request checks read the same answers
            measured.update(await _without_token(pg))
        return measured

    def answers_every_route() -> None:
        _marks(pg, needs_token, strict=True)

    def unseen_routes() -> None:
        course.answered(needs_token)
        wrong = [
            f"{path} ({why})"
            for path, dependant, expected, why in _unseen_routes()
            if _mark(needs_token, dependant, path) is not expected
        ]
        assert not wrong, "; ".join(wrong)

    def two_known_routes() -> None:
        marks = _marks(pg, needs_token)
        assert marks[("GET", "/auth/users/me")], (
            "GET /auth/users/me needs a token: you said no (its parse_jwt_data sits below "
            "valid_active_user: follow sub.dependencies)"
        )
        assert not marks[("GET", "/posts")], "GET /posts is open: you said it needs a token"

    async def marked_routes_refuse() -> None:
        marks, statuses = _marks(pg, needs_token), await statuses_without_token()
        wrong = sorted(f"{m} {p} ({statuses[m, p]})" for (m, p), n in marks.items() if n)
        wrong = [route for route in wrong if not route.endswith("(401)")]
        assert not wrong, f"marked, but answer without a token: {', '.join(wrong)}"

    async def open_routes_answer() -> None:
        marks, statuses = _marks(pg, needs_token), await statuses_without_token()
        trees = {
            (method, route.path): route.dependant
            for route in course.routes(pg.app)
            for method in route.methods.split(",")
        }
        wrong = sorted((m, p) for (m, p), n in marks.items() if not n and statuses[m, p] == 401)
        said = ", ".join(f"{m} {p}" for m, p in wrong)
        assert not wrong or not all(_deeper(trees[route]) for route in wrong), (
            f"left open, but answer 401 without a token: {said}; in each of their trees "
            "parse_jwt_data sits below the route's own dependencies: follow sub.dependencies"
        )
        assert not wrong, f"left open, but answer 401 without a token: {said}"

    returns_a_bool = course.Check(
        "True or False for every route", "return a bool", answers_every_route
    )
    two_known = course.Check(
        "GET /auth/users/me needs a token, GET /posts does not",
        "look for auth_dependencies.parse_jwt_data in dependant.dependencies, recursively",
        two_known_routes,
        needs=returns_a_bool,
    )
    return [
        returns_a_bool,
        two_known,
        course.Check(
            "every route you marked answers 401 without a token",
            "mark a tree only if parse_jwt_data itself is in it: sub.call is ...parse_jwt_data",
            marked_routes_refuse,
            needs=two_known,
        ),
        course.Check(
            "every route you left open answers without a 401",
            "a dependency's own dependencies count too: follow sub.dependencies",
            open_routes_answer,
            needs=two_known,
        ),
        course.Check(
            "four routes made for this check, on paths you have not seen",
            "judge the tree, not the path: every sub, compared with `is`",
            unseen_routes,
            needs=two_known,
        ),
    ]
