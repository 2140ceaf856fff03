"""The body limit (413 ``BODY_TOO_LARGE`` before the body is read whole) and security headers."""

from collections.abc import AsyncIterator

import pytest

import course
from playground.config import Settings
from tests.helpers import assert_error

LIMIT = 4096


@pytest.fixture
async def small() -> AsyncIterator[course.Playground]:
    async with await course.start(settings={"MAX_BODY_BYTES": LIMIT}) as playground:
        yield playground


def test_the_default_limit_is_one_mebibyte() -> None:
    assert Settings(_env_file=None).MAX_BODY_BYTES == 1024 * 1024


async def test_a_declared_length_over_the_limit_is_refused_before_any_route(
    small: course.Playground,
) -> None:
    for method, path in (("POST", "/auth/users"), ("GET", "/health"), ("POST", "/nowhere")):
        response = await small.client.request(
            method, path, content=b"x" * (LIMIT + 1), headers={"Content-Type": "application/json"}
        )
        assert_error(response, 413, "BODY_TOO_LARGE")
        assert response.headers["x-content-type-options"] == "nosniff"


async def test_a_body_without_a_length_is_counted_as_it_is_read(small: course.Playground) -> None:
    chunks_read = 0

    async def stream() -> AsyncIterator[bytes]:
        nonlocal chunks_read
        for _ in range(1000):  # 1 MiB in all, if the app read it whole
            chunks_read += 1
            yield b"a" * 1024

    ada = await small.user("ada")
    response = await small.client.post(
        "/posts", content=stream(), headers={**ada.headers, "Content-Type": "application/json"}
    )
    assert_error(response, 413, "BODY_TOO_LARGE")
    assert chunks_read <= LIMIT // 1024 + 2, chunks_read


async def test_a_form_past_the_limit_is_refused_too(small: course.Playground) -> None:
    async def stream() -> AsyncIterator[bytes]:
        yield b"username=ada&password="
        for _ in range(100):
            yield b"p" * 1024

    response = await small.client.post(
        "/auth/token",
        content=stream(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_error(response, 413, "BODY_TOO_LARGE")


async def test_a_body_under_the_limit_is_served(small: course.Playground) -> None:
    ada = await small.user("ada")
    response = await small.client.post(
        "/posts", json={"title": "t", "body": "b" * (LIMIT - 100)}, headers=ada.headers
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("path", ["/", "/health", "/posts", "/nowhere", "/posts/not-a-uuid"])
async def test_every_answer_carries_the_security_headers(pg: course.Playground, path: str) -> None:
    response = await pg.client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
