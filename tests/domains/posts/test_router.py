import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import delete, select, update

import course
from playground.auth import service as auth_service
from playground.auth import utils as auth_utils
from playground.database import SessionDep
from playground.domains.notifications.models import NotificationEmail
from playground.domains.posts import dependencies as posts_dependencies
from playground.domains.posts.models import Post, PostReview
from tests.factories import create_user
from tests.helpers import (
    assert_error,
    assert_validation_error,
    count,
    create_post,
    deactivate,
    lenient_client,
    run,
)

# ---------------------------------------------------------------- POST /posts


async def test_create_post_is_written_by_the_current_user(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    response = await pg.client.post(
        "/posts", json={"title": "Notes", "body": "On the engine"}, headers=ada.headers
    )
    assert response.status_code == 201
    post = response.json()
    assert set(post) == {"id", "author_id", "title", "body", "created_at", "updated_at"}
    assert (post["author_id"], post["title"], post["body"]) == (
        str(ada.id),
        "Notes",
        "On the engine",
    )
    stored = await run(pg, select(Post.title).where(Post.id == uuid.UUID(post["id"])))
    assert stored == [("Notes",)]


async def test_create_post_without_token_is_401(pg: course.Playground) -> None:
    response = await pg.client.post("/posts", json={"title": "t", "body": "b"})
    assert_error(response, 401, "INVALID_TOKEN", bearer=True)
    assert await count(pg, Post) == 0


async def test_create_post_by_inactive_user_is_403(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    await deactivate(pg, ada)
    response = await pg.client.post("/posts", json={"title": "t", "body": "b"}, headers=ada.headers)
    assert_error(response, 403, "USER_INACTIVE")


async def test_create_post_bad_body_is_422(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    response = await pg.client.post("/posts", json={"title": "", "body": 5}, headers=ada.headers)
    assert_validation_error(
        response, (["body", "title"], "string_too_short"), (["body", "body"], "string_type")
    )
    too_long = await pg.client.post(
        "/posts", json={"title": "t" * 201, "body": "b"}, headers=ada.headers
    )
    assert_validation_error(too_long, (["body", "title"], "string_too_long"))


# ---------------------------------------------------------------- GET /posts, /posts/{id}


async def test_list_posts_is_newest_first(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    ids = [(await create_post(pg, ada, title=f"t{n}"))["id"] for n in range(3)]
    # Posts made in one burst may share a timestamp: give them distinct ones.
    for n, post_id in enumerate(ids):
        await run(
            pg,
            update(Post)
            .where(Post.id == uuid.UUID(post_id))
            .values(created_at=datetime(2026, 1, n + 1, tzinfo=UTC)),
        )
    page = (await pg.client.get("/posts")).json()
    assert [item["id"] for item in page["items"]] == ids[::-1]
    assert page["total"] == 3


async def test_read_post_is_public(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    post = await create_post(pg, ada)
    response = await pg.client.get(f"/posts/{post['id']}")
    assert response.status_code == 200
    assert response.json() == post


async def test_read_unknown_post_is_404(pg: course.Playground) -> None:
    response = await pg.client.get(f"/posts/{uuid.uuid4()}")
    assert_error(response, 404, "POST_NOT_FOUND")


async def test_read_post_with_non_uuid_id_is_422(pg: course.Playground) -> None:
    response = await pg.client.get("/posts/42")
    assert_validation_error(response, (["path", "post_id"], "uuid_parsing"))


# ---------------------------------------------------------------- PUT /posts/{id}


async def test_update_post_by_owner_replaces_title_and_body(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    post = await create_post(pg, ada)
    response = await pg.client.put(
        f"/posts/{post['id']}", json={"title": "New", "body": "Text"}, headers=ada.headers
    )
    assert response.status_code == 200
    updated = response.json()
    assert (updated["id"], updated["title"], updated["body"]) == (post["id"], "New", "Text")
    assert updated["created_at"] == post["created_at"]
    assert updated["updated_at"] >= post["updated_at"]
    assert (await pg.client.get(f"/posts/{post['id']}")).json()["title"] == "New"


async def test_update_post_by_non_owner_is_forbidden(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    bob = await create_user(pg, "bob")
    post = await create_post(pg, ada)
    response = await pg.client.put(
        f"/posts/{post['id']}", json={"title": "Mine", "body": "now"}, headers=bob.headers
    )
    assert_error(response, 403, "USER_NOT_OWNER")
    assert (await pg.client.get(f"/posts/{post['id']}")).json()["title"] == post["title"]


async def test_update_post_without_token_is_401(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    post = await create_post(pg, ada)
    response = await pg.client.put(f"/posts/{post['id']}", json={"title": "t", "body": "b"})
    assert_error(response, 401, "INVALID_TOKEN", bearer=True)


async def test_update_unknown_post_is_404(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    response = await pg.client.put(
        f"/posts/{uuid.uuid4()}", json={"title": "t", "body": "b"}, headers=ada.headers
    )
    assert_error(response, 404, "POST_NOT_FOUND")


async def test_update_post_is_a_full_replacement(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    post = await create_post(pg, ada)
    response = await pg.client.put(
        f"/posts/{post['id']}", json={"title": "Only the title"}, headers=ada.headers
    )
    assert_validation_error(response, (["body", "body"], "missing"))


# ---------------------------------------------------------------- DELETE /posts/{id}


async def test_delete_post_by_owner_removes_it_and_its_reviews(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    bob = await create_user(pg, "bob")
    post = await create_post(pg, ada)
    review = await pg.client.post(
        f"/posts/{post['id']}/reviews", json={"rating": 5}, headers=bob.headers
    )
    assert review.status_code == 201
    response = await pg.client.delete(f"/posts/{post['id']}", headers=ada.headers)
    assert response.status_code == 204
    assert response.content == b""
    assert_error(await pg.client.get(f"/posts/{post['id']}"), 404, "POST_NOT_FOUND")
    assert await count(pg, PostReview) == 0


async def test_delete_post_by_non_owner_is_forbidden(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    bob = await create_user(pg, "bob")
    post = await create_post(pg, ada)
    response = await pg.client.delete(f"/posts/{post['id']}", headers=bob.headers)
    assert_error(response, 403, "USER_NOT_OWNER")
    assert (await pg.client.get(f"/posts/{post['id']}")).status_code == 200


async def test_delete_unknown_post_is_404(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    response = await pg.client.delete(f"/posts/{uuid.uuid4()}", headers=ada.headers)
    assert_error(response, 404, "POST_NOT_FOUND")


async def test_delete_post_without_token_is_401(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    post = await create_post(pg, ada)
    response = await pg.client.delete(f"/posts/{post['id']}")
    assert_error(response, 401, "INVALID_TOKEN", bearer=True)


# ---------------------------------------------------------------- reviews


async def test_create_review_and_list_reviews_oldest_first(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    bob = await create_user(pg, "bob")
    post = await create_post(pg, ada)
    first = await pg.client.post(
        f"/posts/{post['id']}/reviews", json={"rating": 4, "comment": "Good"}, headers=bob.headers
    )
    assert first.status_code == 201
    review = first.json()
    assert set(review) == {"id", "post_id", "author_id", "rating", "comment", "created_at"}
    assert (review["post_id"], review["author_id"], review["rating"], review["comment"]) == (
        post["id"],
        str(bob.id),
        4,
        "Good",
    )
    second = await pg.client.post(
        f"/posts/{post['id']}/reviews", json={"rating": 1}, headers=ada.headers
    )
    assert second.status_code == 201
    assert second.json()["comment"] == ""
    listed = await pg.client.get(f"/posts/{post['id']}/reviews")
    assert listed.status_code == 200
    assert [r["id"] for r in listed.json()["items"]] == [review["id"], second.json()["id"]]


async def test_list_reviews_of_unknown_post_is_404(pg: course.Playground) -> None:
    response = await pg.client.get(f"/posts/{uuid.uuid4()}/reviews")
    assert_error(response, 404, "POST_NOT_FOUND")


async def test_second_review_by_the_same_user_is_409_review_exists(
    pg: course.Playground,
) -> None:
    ada = await create_user(pg, "ada")
    post = await create_post(pg, ada)
    url = f"/posts/{post['id']}/reviews"
    assert (await pg.client.post(url, json={"rating": 5}, headers=ada.headers)).status_code == 201
    again = await pg.client.post(url, json={"rating": 1}, headers=ada.headers)
    assert_error(again, 409, "REVIEW_EXISTS")
    assert [r["rating"] for r in (await pg.client.get(url)).json()["items"]] == [5]


@pytest.mark.parametrize("attempts", [2, 5])
async def test_concurrent_reviews_by_one_user_let_exactly_one_win(
    pg: course.Playground, attempts: int
) -> None:
    ada = await create_user(pg, "ada")
    post = await create_post(pg, ada)
    responses = await asyncio.gather(
        *(
            pg.client.post(f"/posts/{post['id']}/reviews", json={"rating": 3}, headers=ada.headers)
            for _ in range(attempts)
        )
    )
    assert sorted(r.status_code for r in responses) == [201] + [409] * (attempts - 1)
    for response in responses:
        if response.status_code == 409:
            assert_error(response, 409, "REVIEW_EXISTS")
    assert await count(pg, PostReview) == 1


@pytest.mark.parametrize(
    ("rating", "kind"),
    [(0, "greater_than_equal"), (6, "less_than_equal"), ("five", "int_parsing")],
)
async def test_review_rating_outside_1_to_5_is_422(
    pg: course.Playground, rating: object, kind: str
) -> None:
    ada = await create_user(pg, "ada")
    post = await create_post(pg, ada)
    response = await pg.client.post(
        f"/posts/{post['id']}/reviews", json={"rating": rating}, headers=ada.headers
    )
    assert_validation_error(response, (["body", "rating"], kind))


async def test_review_of_unknown_post_is_404(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    response = await pg.client.post(
        f"/posts/{uuid.uuid4()}/reviews", json={"rating": 3}, headers=ada.headers
    )
    assert_error(response, 404, "POST_NOT_FOUND")


async def test_review_without_token_is_401_and_by_inactive_user_is_403(
    pg: course.Playground,
) -> None:
    ada = await create_user(pg, "ada")
    post = await create_post(pg, ada)
    url = f"/posts/{post['id']}/reviews"
    assert_error(await pg.client.post(url, json={"rating": 3}), 401, "INVALID_TOKEN", bearer=True)
    await deactivate(pg, ada)
    response = await pg.client.post(url, json={"rating": 3}, headers=ada.headers)
    assert_error(response, 403, "USER_INACTIVE")
    assert await count(pg, PostReview) == 0


# ---------------------------------------------------------------- a post deleted mid-request


@pytest.mark.parametrize(
    ("method", "suffix", "json"),
    [
        ("PUT", "", {"title": "t", "body": "b"}),
        ("DELETE", "", None),
        ("POST", "/reviews", {"rating": 3}),
    ],
    ids=["update", "delete", "review"],
)
async def test_post_deleted_after_the_check_is_404_not_500(
    pg: course.Playground, method: str, suffix: str, json: dict[str, Any] | None
) -> None:
    """Another request deletes the post between ``valid_post_id`` and the write."""
    ada = await create_user(pg, "ada")
    post = await create_post(pg, ada)

    async def vanishing_post(post_id: uuid.UUID, session: SessionDep) -> Post:
        found = await posts_dependencies.valid_post_id(post_id, session)
        await run(pg, delete(Post).where(Post.id == post_id))
        return found

    pg.app.dependency_overrides[posts_dependencies.valid_post_id] = vanishing_post
    async with lenient_client(pg) as client:
        response = await client.request(
            method, f"/posts/{post['id']}{suffix}", json=json, headers=ada.headers
        )
    assert_error(response, 404, "POST_NOT_FOUND")


# ---------------------------------------------------------------- GET /users/{id}/posts/{id}


async def test_read_user_post_returns_the_creators_own_post(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada", creator=True)
    post = await create_post(pg, ada)
    response = await pg.client.get(f"/users/{ada.id}/posts/{post['id']}", headers=ada.headers)
    assert response.status_code == 200
    assert response.json() == post


async def test_read_user_post_records_a_notification(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada", creator=True)
    post = await create_post(pg, ada)
    response = await pg.client.get(f"/users/{ada.id}/posts/{post['id']}", headers=ada.headers)
    assert response.status_code == 200
    [email] = (await pg.client.get(f"/users/{ada.id}/emails", headers=ada.headers)).json()["items"]
    assert (email["user_id"], email["subject"], email["status"]) == (
        str(ada.id),
        "Your post was read",
        "sent",
    )
    assert email["body"] == f"ada opened post {post['id']}."


async def test_read_user_post_decodes_the_token_once(pg: course.Playground) -> None:
    # Three dependencies need the token (owner, active creator, the route itself):
    # FastAPI's per-request cache resolves ``parse_jwt_data`` once.
    ada = await create_user(pg, "ada", creator=True)
    post = await create_post(pg, ada)
    with (
        course.count_calls(auth_utils, "decode_access_token") as decodes,
        course.count_calls(auth_service, "get_token_data") as lookups,
    ):
        response = await pg.client.get(f"/users/{ada.id}/posts/{post['id']}", headers=ada.headers)
    assert response.status_code == 200
    assert decodes.calls == 1
    assert lookups.calls == 1


async def test_read_user_post_of_another_author_is_forbidden(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada", creator=True)
    bob = await create_user(pg, "bob", creator=True)
    post = await create_post(pg, ada)
    response = await pg.client.get(f"/users/{ada.id}/posts/{post['id']}", headers=bob.headers)
    assert_error(response, 403, "USER_NOT_OWNER")


async def test_read_user_post_under_another_user_id_is_404(pg: course.Playground) -> None:
    # Ada owns the post, but the path names Bob as its author: no such post under Bob.
    ada = await create_user(pg, "ada", creator=True)
    bob = await create_user(pg, "bob", creator=True)
    post = await create_post(pg, ada)
    response = await pg.client.get(f"/users/{bob.id}/posts/{post['id']}", headers=ada.headers)
    assert_error(response, 404, "POST_NOT_FOUND")


async def test_read_user_post_by_owner_who_is_not_a_creator_is_forbidden(
    pg: course.Playground,
) -> None:
    ada = await create_user(pg, "ada")
    post = await create_post(pg, ada)
    response = await pg.client.get(f"/users/{ada.id}/posts/{post['id']}", headers=ada.headers)
    assert_error(response, 403, "USER_NOT_CREATOR")
    assert await count(pg, NotificationEmail) == 0


async def test_read_user_post_by_inactive_creator_is_forbidden(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada", creator=True)
    post = await create_post(pg, ada)
    await deactivate(pg, ada)
    response = await pg.client.get(f"/users/{ada.id}/posts/{post['id']}", headers=ada.headers)
    assert_error(response, 403, "USER_INACTIVE")


async def test_read_user_post_unknown_post_is_404_and_no_token_is_401(
    pg: course.Playground,
) -> None:
    ada = await create_user(pg, "ada", creator=True)
    unknown = await pg.client.get(f"/users/{ada.id}/posts/{uuid.uuid4()}", headers=ada.headers)
    assert_error(unknown, 404, "POST_NOT_FOUND")
    post = await create_post(pg, ada)
    anonymous = await pg.client.get(f"/users/{ada.id}/posts/{post['id']}")
    assert_error(anonymous, 401, "INVALID_TOKEN", bearer=True)


async def test_read_user_post_with_non_uuid_user_id_is_422(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada", creator=True)
    post = await create_post(pg, ada)
    response = await pg.client.get(f"/users/ada/posts/{post['id']}", headers=ada.headers)
    assert_validation_error(response, (["path", "user_id"], "uuid_parsing"))
