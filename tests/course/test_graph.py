from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI

import course
from course.labs import n04_graph as graph
from playground.auth import dependencies as auth_dependencies
from playground.domains.posts import dependencies as posts_dependencies

ROUTE = "/users/{user_id}/posts/{post_id}"


async def test_route_finds_by_method_and_path(pg: course.Playground) -> None:
    info = graph.route(pg.app, "get", ROUTE)
    assert info.path == ROUTE
    with pytest.raises(LookupError):
        graph.route(pg.app, "PATCH", ROUTE)


async def test_edges_and_calls_follow_the_chain(pg: course.Playground) -> None:
    dependant = graph.route(pg.app, "GET", ROUTE).dependant
    edges = graph.edges(dependant)
    assert (posts_dependencies.valid_owned_post, auth_dependencies.valid_active_user) in edges
    assert auth_dependencies.parse_jwt_data in graph.calls(dependant)


async def test_tree_marks_path_readers_and_repeats(pg: course.Playground) -> None:
    lines = graph.tree(graph.route(pg.app, "GET", ROUTE)).splitlines()
    assert lines[0] == "playground.domains.posts.router.read_user_post"
    assert any(line.endswith("valid_user_post  path: user_id") for line in lines)
    assert any(line.endswith("valid_active_user  (again)") for line in lines)


def test_path_readers_include_the_endpoint() -> None:
    app = FastAPI()

    @app.get("/items/{item_id}")
    async def read_item(item_id: int) -> None:
        return None

    assert graph.path_readers(graph.route(app, "GET", "/items/{item_id}").dependant) == [
        "read_item(item_id)"
    ]


async def test_record_calls_logs_in_order_and_restores_overrides(pg: course.Playground) -> None:
    ada = await pg.user("ada")
    sentinel = object()
    pg.app.dependency_overrides[posts_dependencies.valid_post_id] = sentinel  # type: ignore[assignment]
    try:
        watched: list[Callable[..., Any]] = [
            auth_dependencies.parse_jwt_data,
            auth_dependencies.valid_active_user,
        ]
        with graph.record_calls(pg.app, watched) as log:
            response = await pg.client.get("/auth/users/me", headers=ada.headers)
        assert response.status_code == 200
        assert log == ["parse_jwt_data", "valid_active_user"]  # read_me chains on ActiveUser
        assert pg.app.dependency_overrides == {posts_dependencies.valid_post_id: sentinel}
    finally:
        pg.app.dependency_overrides.clear()
