"""Concurrency and integrity on a real server: uvicorn on 127.0.0.1, a SQLite file.

(Under ``make test-postgres`` the same tests run on PostgreSQL.) Many requests race over real
sockets into the server's own event loop and connection pool: nothing may be lost, nothing
duplicated, no request may fail with a 500 ("database is locked"), and the database's unique
constraints must decide every race.
"""

import asyncio
import logging
import uuid
from collections import Counter
from collections.abc import Sequence

import httpx
import pytest

import course
from tests.factories import create_user

USERS = 20
POSTS_PER_USER = 10
RACERS = 20
UNTHROTTLED = {
    "REGISTER_RATE_PER_CLIENT": "1000/minute",
    "REGISTER_RATE_PER_USERNAME": "1000/minute",
}


def assert_no_server_error(
    responses: Sequence[httpx.Response], caplog: pytest.LogCaptureFixture
) -> None:
    """No 5xx, and nothing the app logged as an error ("database is locked" would be here)."""
    failed = [(r.status_code, r.text) for r in responses if r.status_code >= 500]
    assert not failed, failed
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [caplog.handler.format(r) for r in errors]


async def test_concurrent_posts_by_many_users_are_all_stored_once(
    pg: course.Playground, caplog: pytest.LogCaptureFixture
) -> None:
    users = [await create_user(pg, f"writer{n:02d}") for n in range(USERS)]
    async with pg.serve() as base_url, httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        responses = await asyncio.gather(
            *(
                client.post(
                    "/posts",
                    json={"title": f"{user.username} #{n}", "body": "concurrent"},
                    headers=user.headers,
                )
                for user in users
                for n in range(POSTS_PER_USER)
            )
        )
    assert_no_server_error(responses, caplog)
    assert Counter(r.status_code for r in responses) == {201: USERS * POSTS_PER_USER}
    assert len({r.json()["id"] for r in responses}) == USERS * POSTS_PER_USER
    rows = await pg.sql("SELECT author_id, title FROM post")
    assert len(rows) == USERS * POSTS_PER_USER
    assert len(set(rows)) == USERS * POSTS_PER_USER  # each (author, title) exactly once
    per_author = Counter(uuid.UUID(str(author_id)) for author_id, _ in rows)
    assert per_author == {user.id: POSTS_PER_USER for user in users}


async def test_concurrent_reviews_of_one_post_by_one_user_store_exactly_one(
    pg: course.Playground, caplog: pytest.LogCaptureFixture
) -> None:
    author = await create_user(pg, "author")
    reviewer = await create_user(pg, "reviewer")
    created = await pg.client.post(
        "/posts", json={"title": "Review me", "body": "once"}, headers=author.headers
    )
    post_id = created.json()["id"]
    async with pg.serve() as base_url, httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        responses = await asyncio.gather(
            *(
                client.post(
                    f"/posts/{post_id}/reviews",
                    json={"rating": 1 + n % 5, "comment": f"attempt {n}"},
                    headers=reviewer.headers,
                )
                for n in range(RACERS)
            )
        )
    assert_no_server_error(responses, caplog)
    assert Counter(r.status_code for r in responses) == {201: 1, 409: RACERS - 1}
    conflicts = {r.json()["code"] for r in responses if r.status_code == 409}
    assert conflicts == {"REVIEW_EXISTS"}
    assert await pg.sql("SELECT count(*) FROM post_review") == [(1,)]


async def test_concurrent_registrations_of_one_username_create_exactly_one_user(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The race, not the throttle (tests/auth/test_throttle.py): RACERS attempts at one name.
    async with await course.start(auth=UNTHROTTLED) as pg:
        await _register_racers(pg, caplog)


async def _register_racers(pg: course.Playground, caplog: pytest.LogCaptureFixture) -> None:
    async with pg.serve() as base_url, httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        responses = await asyncio.gather(
            *(
                client.post(
                    "/auth/users",
                    json={
                        "username": "grace",
                        "email": f"grace{n}@example.com",
                        "password": course.DEFAULT_PASSWORD,
                        "first_name": "Grace",
                    },
                )
                for n in range(RACERS)
            )
        )
    assert_no_server_error(responses, caplog)
    assert Counter(r.status_code for r in responses) == {201: 1, 409: RACERS - 1}
    conflicts = {r.json()["code"] for r in responses if r.status_code == 409}
    assert conflicts == {"USERNAME_TAKEN"}
    (winner,) = [r.json() for r in responses if r.status_code == 201]
    assert await pg.sql("SELECT username, email FROM auth_user") == [("grace", winner["email"])]
    # The user's profile is written in the same transaction: no loser left a profile behind.
    assert await pg.sql("SELECT count(*) FROM profile") == [(1,)]
