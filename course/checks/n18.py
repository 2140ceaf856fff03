"""Notebook 18's exercise: a dependency that maps a domain ``ValueError`` to a clean 400."""

import random
from collections.abc import Callable
from dataclasses import asdict
from typing import Annotated, Any

import httpx
from fastapi import Depends

import course
from course import probes
from course.labs.n18_errors import SortOrder
from course.server import captured_logs


async def _get(
    dependency: Callable[..., Any], pg: course.Playground, sort: str
) -> tuple[httpx.Response, list[str]]:
    """Mount ``dependency`` on a side app's ``GET /posts``; one request; what was logged."""
    app = probes.side_app(pg)
    order_dep = Depends(course.answered(dependency))

    @app.get("/posts")
    async def list_posts(order: Annotated[SortOrder | None, order_dep]) -> dict[str, Any]:
        return {"order": None if order is None else asdict(order)}

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    with captured_logs("playground.handlers") as logs:
        async with httpx.AsyncClient(transport=transport, base_url="http://lab") as client:
            response = await client.get("/posts", params={"sort": sort})
    return response, logs


def mapped_sort(dependency: Callable[..., Any], pg: course.Playground) -> list[course.Check]:
    """``dependency`` parses ``?sort=`` and turns ``parse_sort``'s ``ValueError`` into a 400."""

    async def good_sort() -> None:
        response, _ = await _get(dependency, pg, "title:asc")
        assert response.status_code == 200, f"got HTTP {response.status_code}"
        expected = {"order": {"field": "title", "descending": False}}
        assert response.json() == expected, f"got {response.json()}"

    async def not_a_500() -> None:
        response, logs = await _get(dependency, pg, "likes:desc")
        assert response.status_code != 500, (
            f"got HTTP 500 {response.json()}: parse_sort's ValueError left the dependency "
            "unmapped; catch it and raise InvalidSort"
        )
        assert response.status_code == 400, f"got HTTP {response.status_code} {response.json()}"
        assert not logs, f"the server logged an unhandled error: {logs}"

    async def one_shape() -> None:
        field = random.choice(["likes", "views", "score", "rank"]) + str(random.randint(2, 99))
        response, _ = await _get(dependency, pg, f"{field}:desc")  # a field the learner can't see
        expected = {"detail": f"unknown sort field '{field}'", "code": "INVALID_SORT"}
        got = response.json()
        assert got.get("code") == "INVALID_SORT", (
            f"?sort={field}:desc gave {got}: HTTPException carries no code of ours; raise "
            "InvalidSort, a PlaygroundError"
        )
        assert got == expected, (
            f"?sort={field}:desc gave {got}: the detail is not the ValueError's message "
            f"{expected['detail']!r}; pass str(exc)"
        )

    refused = course.Check(
        "?sort=likes:desc is a 400, not a 500 (nothing logged as a crash)",
        "except ValueError as exc: raise InvalidSort(str(exc)) from exc",
        not_a_500,
    )
    return [
        course.Check(
            "?sort=title:asc is 200 with its SortOrder",
            "return errors_lab.parse_sort(sort)",
            good_sort,
        ),
        refused,
        course.Check(  # a 500 has the wrong body too: that is the check above
            "the 400 is {'detail': <the ValueError's message>, 'code': 'INVALID_SORT'}",
            "raise InvalidSort(str(exc)), a PlaygroundError, not HTTPException",
            one_shape,
            needs=refused,
        ),
    ]
