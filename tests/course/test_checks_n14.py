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
