import typing
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts

import course
from playground.pagination import MAX_LIMIT, MAX_OFFSET
from tests.factories import create_user
from tests.helpers import create_post


@pytest.mark.parametrize(
    "query",
    ["limit=0", f"limit={MAX_LIMIT + 1}", "offset=-1", f"offset={MAX_OFFSET + 1}", "limit=ten"],
)
async def test_out_of_bounds_page_is_422(pg: course.Playground, query: str) -> None:
    response = await pg.client.get(f"/posts?{query}")
    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_ERROR"


async def test_page_reports_window_and_total(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    for n in range(3):
        created = await pg.client.post(
            "/posts", json={"title": f"t{n}", "body": "b"}, headers=ada.headers
        )
        assert created.status_code == 201
    response = await pg.client.get("/posts?limit=2&offset=1")
    assert response.status_code == 200
    page = response.json()
    assert (page["total"], page["limit"], page["offset"], len(page["items"])) == (3, 2, 1, 2)


async def test_default_page(pg: course.Playground) -> None:
    page = (await pg.client.get("/posts")).json()
    assert page == {"items": [], "total": 0, "limit": 20, "offset": 0}


# ------------------------------------------------------------ every list is a page


def _api_routes(app: Any) -> list[tuple[str, APIRoute]]:
    """Every API route with its full path (across included routers)."""
    return [
        (context.path or "", context.route)
        for context in iter_route_contexts(app.routes)
        if isinstance(context.route, APIRoute)
    ]


def _bare_lists(app: Any) -> list[str]:
    found = []
    for path, route in _api_routes(app):
        model = route.response_model
        origin = typing.get_origin(model) or model
        if (
            isinstance(origin, type)
            and issubclass(origin, Sequence | AbstractSet)
            and origin not in {str, bytes}
        ):
            found.append(f"{','.join(sorted(route.methods or ()))} {path}")
    return found


async def test_no_route_answers_a_bare_list(pg: course.Playground) -> None:
    assert _bare_lists(pg.app) == []


async def test_every_page_route_takes_a_bounded_limit(pg: course.Playground) -> None:
    document = pg.app.openapi()
    paged = {}
    for path, methods in document["paths"].items():
        for method, spec in methods.items():
            ok = spec["responses"].get("200", {}).get("content", {}).get("application/json", {})
            if ok.get("schema", {}).get("$ref", "").startswith("#/components/schemas/Page_"):
                limit = [p for p in spec.get("parameters", []) if p["name"] == "limit"]
                paged[f"{method.upper()} {path}"] = (
                    limit[0]["schema"].get("maximum") if limit else None
                )
    assert paged == {
        "GET /posts": MAX_LIMIT,
        "GET /posts/summary": MAX_LIMIT,
        "GET /posts/{post_id}/reviews": MAX_LIMIT,
        "GET /posts/{post_id}/attachments": MAX_LIMIT,
        "GET /users/{user_id}/emails": MAX_LIMIT,
    }


async def test_reviews_are_a_page(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    post = await create_post(pg, ada)
    for n in range(3):
        reviewer = await create_user(pg, f"reviewer{n}")
        created = await pg.client.post(
            f"/posts/{post['id']}/reviews", json={"rating": 3}, headers=reviewer.headers
        )
        assert created.status_code == 201
    page = (await pg.client.get(f"/posts/{post['id']}/reviews?limit=2")).json()
    assert (page["total"], page["limit"], page["offset"], len(page["items"])) == (3, 2, 0, 2)
    rest = (await pg.client.get(f"/posts/{post['id']}/reviews?limit=2&offset=2")).json()
    assert len(rest["items"]) == 1
    too_many = await pg.client.get(f"/posts/{post['id']}/reviews?limit={MAX_LIMIT + 1}")
    assert too_many.status_code == 422


async def test_an_outbox_is_a_page(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    page = (await pg.client.get(f"/users/{ada.id}/emails?limit=5", headers=ada.headers)).json()
    assert page == {"items": [], "total": 0, "limit": 5, "offset": 0}
