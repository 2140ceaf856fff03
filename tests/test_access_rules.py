"""Access rules are declared once, in the dependency chain: every route that takes a token and
changes something refuses an inactive user, found by walking the app's route table."""

import uuid
from collections.abc import Callable
from typing import Any

from fastapi.dependencies.models import Dependant

import course
from playground.auth import dependencies as auth_dependencies
from playground.domains.notifications.models import NotificationEmail
from playground.domains.posts.models import Post, PostReview
from tests.factories import create_user
from tests.helpers import assert_error, count, create_post, deactivate

WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _calls(dependant: Dependant) -> set[Callable[..., Any]]:
    """Every dependency callable in the tree under ``dependant``."""
    found: set[Callable[..., Any]] = set()
    for sub in dependant.dependencies:
        if sub.call is not None:
            found.add(sub.call)
        found |= _calls(sub)
    return found


def token_writes(pg: course.Playground) -> list[tuple[str, course.RouteInfo]]:
    """(method, route) for every write route whose dependencies read the bearer token."""
    return [
        (method, route)
        for route in course.routes(pg.app)
        if route.dependant is not None
        and auth_dependencies.parse_jwt_data in _calls(route.dependant)
        for method in route.methods.split(",")
        if method in WRITES
    ]


async def test_the_walk_finds_every_write_that_takes_a_token(pg: course.Playground) -> None:
    found = {(method, route.path) for method, route in token_writes(pg)}
    assert found >= {
        ("POST", "/posts"),
        ("PUT", "/posts/{post_id}"),
        ("DELETE", "/posts/{post_id}"),
        ("POST", "/posts/{post_id}/reviews"),
        ("PATCH", "/profiles/{profile_id}"),
        ("POST", "/users/{user_id}/email"),
        ("POST", "/posts/{post_id}/attachments"),
        ("POST", "/posts/{post_id}/attachments/{attachment_id}/complete"),
    }
    assert ("POST", "/auth/token") not in found  # takes no token


async def test_every_write_that_takes_a_token_chains_on_the_active_user(
    pg: course.Playground,
) -> None:
    for method, route in token_writes(pg):
        assert auth_dependencies.valid_active_user in _calls(route.dependant), (method, route.path)


async def test_every_write_that_takes_a_token_refuses_an_inactive_user(
    pg: course.Playground,
) -> None:
    ada = await create_user(pg, "ada", creator=True)
    post = await create_post(pg, ada, title="Kept", body="As it was")
    await deactivate(pg, ada)
    values = {
        "post_id": post["id"],
        "profile_id": ada.profile_id,
        "user_id": ada.id,
        "attachment_id": uuid.uuid4(),  # refused before it is looked up
    }
    for method, route in token_writes(pg):
        path = route.path.format(**values)  # a new path parameter must be added to `values`
        response = await pg.client.request(method, path, json={}, headers=ada.headers)
        assert response.status_code == 403, (method, path, response.text)
        assert_error(response, 403, "USER_INACTIVE")
    kept = await pg.client.get(f"/posts/{post['id']}")
    assert (kept.json()["title"], kept.json()["body"]) == ("Kept", "As it was")
    profile = await pg.client.get(f"/profiles/{ada.profile_id}")
    assert profile.json()["is_creator"] is True
    assert (await count(pg, Post), await count(pg, PostReview)) == (1, 0)
    assert await count(pg, NotificationEmail) == 0
