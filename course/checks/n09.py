"""Checks for notebook 09: a route that documents its contract, checked against real answers."""

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from course.apps import request
from course.exercises import Check, answered
from course.sandbox import Playground
from playground.domains.posts.schemas import PostResponse

AddRoute = Callable[[FastAPI], None]
PATH = "/exercise/posts/{post_id}"
AUTO_SUMMARY = "Exercise Read Post"  # what FastAPI makes up from the function name


class _Lab:
    """A new app of the playground with the learner's route, one for each check."""

    def __init__(self, pg: Playground, add_route: AddRoute) -> None:
        self.pg, self.add_route = pg, add_route

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[FastAPI]:
        app = self.pg.new_app()
        try:
            answered(self.add_route)(app)
            for route in app.routes:  # a route whose body is still the skeleton's `...`
                if getattr(route, "path", None) == PATH:
                    answered(getattr(route, "endpoint", None))
            yield app
        finally:
            await app.state.engine.dispose()


def _operation(app: FastAPI) -> dict[str, Any]:
    operation = app.openapi()["paths"].get(PATH, {}).get("get")
    assert operation is not None, f"no GET {PATH} in the OpenAPI document"
    return dict(operation)


def _schema_ref(response: dict[str, Any]) -> str:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return str(schema.get("$ref", "")).rsplit("/", 1)[-1]


def documented_route(pg: Playground, add_route: AddRoute, post_id: str) -> list[Check]:
    """The learner's route on a fresh app of ``pg``: its OpenAPI entry and its real answers."""
    lab = _Lab(pg, add_route)

    async def success_model() -> None:
        async with lab() as app:
            responses = _operation(app)["responses"]
        got = _schema_ref(responses.get("200", {})) or "any JSON"
        assert got == "PostResponse", f"200 is documented as {got}"

    async def not_found() -> None:
        async with lab() as app:
            documented = _operation(app)["responses"].get("404")
        assert documented is not None, "404 is not documented"
        assert _schema_ref(documented) == "ErrorResponse", (
            "404 is documented by hand, without the ErrorResponse body the app really sends: "
            "use error_responses(PostNotFound)"
        )
        assert "`POST_NOT_FOUND`" in documented["description"], "404 does not name its code"

    async def described() -> None:
        async with lab() as app:
            operation = _operation(app)
        assert operation["summary"] != AUTO_SUMMARY, "the summary is made up from the name"
        assert operation.get("description"), "no description: write a docstring"
        assert operation.get("tags") == ["posts"], f"tags are {operation.get('tags', [])}"

    async def found() -> None:
        ada = await pg.user("ada")
        title = f"unseen {uuid.uuid4().hex[:8]}"  # a post written now, for this check
        made = await pg.client.post(
            "/posts", json={"title": title, "body": "b"}, headers=ada.headers
        )
        for wanted in (post_id, made.json()["id"]):
            async with lab() as app:
                response = await request(app, "GET", PATH.format(post_id=wanted))
            assert response.status_code == 200, f"answered {response.status_code}"
            body = response.json()
            assert isinstance(body, dict), f"the body is {body!r}"
            assert set(body) == set(PostResponse.model_fields), f"the body has {sorted(body)}"
            assert body["id"] == str(wanted), (
                f"asked for post {wanted}, got {body['id']} ({body['title']!r}): return `post`"
            )
        assert body["title"] == title, f"the new post's title is {title!r}, got {body['title']!r}"

    async def missing() -> None:
        async with lab() as app:
            response = await request(app, "GET", PATH.format(post_id=uuid.uuid4()))
            documented = _operation(app)["responses"].get(str(response.status_code), {})
        code = response.json().get("code")
        assert (response.status_code, code) == (404, "POST_NOT_FOUND"), f"answered {code}"
        assert f"`{code}`" in documented.get("description", ""), "its 404 is not in the document"

    documented_404 = Check(
        "404 is documented with ErrorResponse and POST_NOT_FOUND",
        "responses=error_responses(PostNotFound)",
        not_found,
    )
    return [
        Check(
            f"GET {PATH}: 200 is documented with PostResponse",
            "response_model=PostResponse",
            success_model,
        ),
        documented_404,
        Check(
            "a summary, a docstring and the posts tag",
            'summary="...", tags=["posts"], """a docstring"""',
            described,
        ),
        Check("a real post: 200 with PostResponse's fields", "return the post", found),
        Check(
            "a missing post: 404 POST_NOT_FOUND, as documented",
            "document what it raises",
            missing,
            needs=documented_404,
        ),
    ]
