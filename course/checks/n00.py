"""Notebook 00's exercise: find the routes that need a token, from their dependency trees."""

import uuid
from collections.abc import Callable
from typing import Any

import course
from playground.config import get_settings

NeedsToken = Callable[[Any], bool]
CHECKER = "n00_checker"


def _marks(pg: course.Playground, needs_token: NeedsToken) -> dict[tuple[str, str], bool]:
    marks = {}
    for route in course.routes(pg.app):
        if route.dependant is None:
            continue
        answer = course.answered(needs_token(route.dependant))
        assert isinstance(answer, bool), f"{route.path}: expected True or False, got {answer!r}"
        for method in route.methods.split(","):
            marks[(method, route.path)] = answer
    return marks


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
        _marks(pg, needs_token)

    def two_known_routes() -> None:
        marks = _marks(pg, needs_token)
        assert marks[("GET", "/auth/users/me")], "GET /auth/users/me needs a token: you said no"
        assert not marks[("GET", "/posts")], "GET /posts is open: you said it needs a token"

    async def marked_routes_refuse() -> None:
        marks, statuses = _marks(pg, needs_token), await statuses_without_token()
        wrong = sorted(f"{m} {p} ({statuses[m, p]})" for (m, p), n in marks.items() if n)
        wrong = [route for route in wrong if not route.endswith("(401)")]
        assert not wrong, f"marked, but answer without a token: {', '.join(wrong)}"

    async def open_routes_answer() -> None:
        marks, statuses = _marks(pg, needs_token), await statuses_without_token()
        wrong = sorted(f"{m} {p}" for (m, p), n in marks.items() if not n and statuses[m, p] == 401)
        assert not wrong, f"left open, but answer 401 without a token: {', '.join(wrong)}"

    return [
        course.Check("True or False for every route", "return a bool", answers_every_route),
        course.Check(
            "GET /auth/users/me needs a token, GET /posts does not",
            "look for auth_dependencies.parse_jwt_data in dependant.dependencies, recursively",
            two_known_routes,
        ),
        course.Check(
            "every route you marked answers 401 without a token",
            "a dependency's own dependencies count too: follow sub.dependencies",
            marked_routes_refuse,
        ),
        course.Check(
            "every route you left open answers without a 401",
            "compare sub.call with parse_jwt_data by identity (`is`)",
            open_routes_answer,
        ),
    ]
