import pytest

import course
from course.checks import n14


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


async def test_the_skeleton_fails(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n14.me_requires_a_token(skeleton, pg))
    out = capsys.readouterr().out
    assert "✘ passes against the playground: not answered yet" in out
    assert "✘ fails if /auth/users/me lets anyone in (200)" in out
    assert out.count("✘") == 3


async def test_a_test_of_the_status_alone_misses_the_code(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n14.me_requires_a_token(status_only, pg))
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [
        "✔ passes against the playground",
        "✔ fails if /auth/users/me lets anyone in (200)",
    ]
    assert out[2].startswith("✘ fails if the 401 carries another code")


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


async def test_the_removed_app_argument_is_named(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n14.me_requires_a_token(old_client, pg))
    out = capsys.readouterr().out
    assert "✘ passes against the playground: TypeError" in out
    assert "httpx 0.28 removed AsyncClient(app=...); use pg.client" in out


async def test_a_test_that_asks_nothing_fails(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n14.me_requires_a_token(vacuous, pg))
    out = capsys.readouterr().out
    assert "✘ fails if /auth/users/me lets anyone in (200): your test still passes" in out


async def test_expecting_403_is_told_what_the_app_answers(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    await course.check(n14.me_requires_a_token(expects_403, pg))
    out = capsys.readouterr().out
    assert "✘ passes against the playground: your test fails on the working playground" in out
    assert "without a token it answers 401 {" in out
    assert "'code': 'INVALID_TOKEN'" in out
