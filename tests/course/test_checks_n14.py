import pytest

import course
from course.checks import n14
from tests.course.wrong import Wrong


async def solution(pg: course.Playground) -> None:
    response = await pg.client.get("/auth/users/me")
    assert response.status_code == 401
    assert response.json()["code"] == "INVALID_TOKEN"


async def skeleton(pg: course.Playground) -> None: ...


async def status_only(pg: course.Playground) -> None:
    response = await pg.client.get("/auth/users/me")
    assert response.status_code == 401


async def test_the_solution_passes_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n14.me_requires_a_token(solution, pg))
    assert capsys.readouterr().out.splitlines() == [
        "✔ passes against the playground",
        "✔ fails if /auth/users/me lets anyone in (200)",
        "✔ fails if the 401 carries another code",
    ]
    assert pg.app.dependency_overrides == {}


async def old_client(pg: course.Playground) -> None:
    """The advice the lesson retires: httpx 0.28 has no AsyncClient(app=...)."""
    import httpx

    async with httpx.AsyncClient(app=pg.app, base_url="http://test") as client:  # type: ignore[call-arg]
        response = await client.get("/auth/users/me")
    assert response.status_code == 401


async def vacuous(pg: course.Playground) -> None:
    """Hard-codes the expected answer instead of asking the app."""
    body = {"code": "INVALID_TOKEN"}
    assert body["code"] == "INVALID_TOKEN"


async def expects_403(pg: course.Playground) -> None:
    """The likeliest slip: the status FastAPI's security classes gave before 0.122."""
    response = await pg.client.get("/auth/users/me")
    assert response.status_code == 403


SKELETON = skeleton
PASSES = "passes against the playground"
WRONG = [
    Wrong(
        "the status alone",
        status_only,
        "fails if the 401 carries another code",
        "your test passes on a 401 with INVALID_CREDENTIALS",
    ),
    Wrong(
        "AsyncClient(app=...)",
        old_client,
        PASSES,
        "httpx 0.28 removed AsyncClient(app=...); use pg.client",
    ),
    Wrong(
        "a test that asks nothing",
        vacuous,
        "fails if /auth/users/me lets anyone in (200)",
        "it never sends GET /auth/users/me",
    ),
    Wrong(
        "expecting 403",
        expects_403,
        PASSES,
        "FastAPI's security classes answer 401, not 403, since 0.122",
    ),
]


async def check_cell(answer: n14.PlaygroundTest) -> None:
    async with await course.start() as pg:
        await course.check(n14.me_requires_a_token(answer, pg))
        assert pg.app.dependency_overrides == {}
