import pytest

import course
from playground.pagination import MAX_LIMIT, MAX_OFFSET
from tests.factories import create_user


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
