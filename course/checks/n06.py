"""Notebook 06's exercise: find the path variables that no function in a route's graph reads."""

from collections.abc import Callable

from fastapi import FastAPI

from course.exercises import Check, answered
from course.sandbox import Playground
from playground.domains.creators import dependencies as creators_dependencies

Finder = Callable[[FastAPI], dict[str, set[str]]]


def _renamed() -> FastAPI:
    """The notebook's anti-pattern: ``/creators/{creator_id}`` over ``valid_profile_id``."""
    app = FastAPI()

    @app.get("/creators/{creator_id}")  # noqa: FAST003 - the anti-pattern on purpose
    async def read_creator_renamed(creator: creators_dependencies.ValidCreator) -> None:
        return None

    return app


def _mixed() -> FastAPI:
    """One variable read by the endpoint itself, one read by nobody, one ``:path`` converter."""
    app = FastAPI()

    @app.get("/teams/{team_id}/members/{member_id}")  # noqa: FAST003 - the anti-pattern on purpose
    async def member(team_id: int) -> None:
        return None

    @app.get("/files/{file_path:path}")
    async def read_file(file_path: str) -> None:
        return None

    @app.delete("/teams/{team_id}")  # noqa: FAST003 - the anti-pattern on purpose
    async def delete_team() -> None:
        return None

    return app


def _compare(got: object, expected: dict[str, set[str]]) -> None:
    answered(got)
    assert got == expected, f"expected {expected}, got {got}"


def unread_path_variables(pg: Playground, finder: Finder) -> list[Check]:
    """Checks for ``unread_path_variables(app)`` on the playground and on three broken apps."""
    return [
        Check(
            "the playground: every path variable is read",
            "look at the endpoint's path_params and every node's below it (graph.walk)",
            lambda: _compare(finder(pg.app), {}),
        ),
        Check(
            "/creators/{creator_id}: creator_id is read by nobody",
            'key by "METHOD /path", e.g. "GET /creators/{creator_id}"',
            lambda: _compare(finder(_renamed()), {"GET /creators/{creator_id}": {"creator_id"}}),
        ),
        Check(
            "an endpoint that reads a variable itself counts; the other one does not",
            "include route.dependant itself, not only the nodes below it",
            lambda: _compare(
                finder(_mixed()),
                {
                    "GET /teams/{team_id}/members/{member_id}": {"member_id"},
                    "DELETE /teams/{team_id}": {"team_id"},
                },
            ),
        ),
    ]
