import asyncio
import uuid

import pytest
from sqlalchemy import select

import course
from playground.auth import dependencies as auth_dependencies
from playground.auth.models import AuthUser
from playground.auth.schemas import JWTData
from playground.domains.profiles.models import Profile
from tests.factories import create_user
from tests.helpers import assert_error, assert_validation_error, count, deactivate, run

PASSWORD = course.DEFAULT_PASSWORD


# ---------------------------------------------------------------- POST /auth/users


async def test_register_returns_the_user_without_password(pg: course.Playground) -> None:
    response = await pg.register("ada", age=36, favorite_band="AC/DC", website="https://ada.dev/")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "id",
        "username",
        "email",
        "first_name",
        "age",
        "favorite_band",
        "website",
        "is_active",
        "created_at",
        "profile_id",
    }
    assert uuid.UUID(body["id"])
    assert body["username"] == "ada"
    assert body["email"] == "ada@example.com"
    assert (body["age"], body["favorite_band"], body["website"]) == (
        36,
        "AC/DC",
        "https://ada.dev/",
    )
    assert body["is_active"] is True
    assert "password" not in response.text
    assert PASSWORD not in response.text
    assert "$argon2" not in response.text


async def test_register_stores_an_argon2_hash_not_the_password(pg: course.Playground) -> None:
    await pg.register("ada")
    [(password_hash,)] = await run(pg, select(AuthUser.password_hash))
    assert password_hash.startswith("$argon2id$")
    assert PASSWORD not in password_hash


async def test_register_optional_fields_default_to_null(pg: course.Playground) -> None:
    response = await pg.register("ada", age=None)
    assert response.status_code == 201
    body = response.json()
    assert (body["age"], body["favorite_band"], body["website"]) == (None, None, None)


@pytest.mark.parametrize("website", ["ftp://files.example.org", "javascript:alert(1)"])
async def test_register_refuses_a_website_that_is_not_http(
    pg: course.Playground, website: str
) -> None:
    response = await pg.register("ada", website=website)
    assert_validation_error(response, (["body", "website"], "url_scheme"))


async def test_register_stores_the_normalised_website(pg: course.Playground) -> None:
    response = await pg.register("ada", website="HTTPS://Ada.DEV")
    assert response.status_code == 201
    assert response.json()["website"] == "https://ada.dev/"
    assert await run(pg, select(AuthUser.website)) == [("https://ada.dev/",)]


async def test_register_strips_and_lowercases_the_username(pg: course.Playground) -> None:
    response = await pg.register("  Ada_Lovelace  ", email="ada@example.com")
    assert response.status_code == 201
    assert response.json()["username"] == "ada_lovelace"
    assert await run(pg, select(AuthUser.username)) == [("ada_lovelace",)]


async def test_register_lowercases_the_email(pg: course.Playground) -> None:
    response = await pg.register("ada", email="Ada.Lovelace@Example.COM")
    assert response.status_code == 201
    assert response.json()["email"] == "ada.lovelace@example.com"


async def test_register_creates_the_profile_and_answers_its_id(pg: course.Playground) -> None:
    body = (await pg.register("ada")).json()
    rows = await run(
        pg,
        select(Profile.id, Profile.display_name, Profile.bio, Profile.is_creator).where(
            Profile.user_id == uuid.UUID(body["id"])
        ),
    )
    assert rows == [(uuid.UUID(body["profile_id"]), "ada", "", False)]


async def test_a_client_becomes_a_creator_over_http_alone(pg: course.Playground) -> None:
    registered = (await pg.register("ada")).json()
    token = await pg.login("ada")
    headers = {"Authorization": f"Bearer {token}"}
    me = (await pg.client.get("/auth/users/me", headers=headers)).json()
    assert me["profile_id"] == registered["profile_id"]
    patched = await pg.client.patch(
        f"/profiles/{me['profile_id']}", json={"is_creator": True}, headers=headers
    )
    assert patched.json()["is_creator"] is True
    post = await pg.client.post("/posts", json={"title": "t", "body": "b"}, headers=headers)
    read = await pg.client.get(f"/users/{me['id']}/posts/{post.json()['id']}", headers=headers)
    assert read.status_code == 200, read.text
    assert (await pg.client.get(f"/creators/{me['profile_id']}")).status_code == 200


async def test_register_taken_username_is_409_username_taken(pg: course.Playground) -> None:
    assert (await pg.register("ada")).status_code == 201
    again = await pg.register("ADA", email="other@example.com")
    assert_error(again, 409, "USERNAME_TAKEN")
    assert await count(pg, AuthUser) == 1
    assert await count(pg, Profile) == 1


async def test_register_taken_email_is_409_email_taken_whatever_the_case(
    pg: course.Playground,
) -> None:
    assert (await pg.register("ada", email="ada@example.com")).status_code == 201
    again = await pg.register("lovelace", email="ADA@example.com")
    assert_error(again, 409, "EMAIL_TAKEN")
    assert await count(pg, AuthUser) == 1


@pytest.mark.parametrize("attempts", [2, 5])
async def test_concurrent_registrations_of_one_username_let_exactly_one_win(
    pg: course.Playground, attempts: int
) -> None:
    responses = await asyncio.gather(
        *(pg.register("ada", email=f"ada{n}@example.com") for n in range(attempts))
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (attempts - 1)
    for response in responses:
        if response.status_code == 409:
            assert_error(response, 409, "USERNAME_TAKEN")
    assert await count(pg, AuthUser) == 1
    assert await count(pg, Profile) == 1


async def test_concurrent_registrations_of_one_email_let_exactly_one_win(
    pg: course.Playground,
) -> None:
    responses = await asyncio.gather(
        *(pg.register(f"user{n}", email="same@example.com") for n in range(3))
    )
    assert sorted(r.status_code for r in responses) == [201, 409, 409]
    for response in responses:
        if response.status_code == 409:
            assert_error(response, 409, "EMAIL_TAKEN")


def _body(**fields: object) -> dict[str, object]:
    return {
        "username": "ada",
        "email": "ada@example.com",
        "password": PASSWORD,
        "first_name": "Ada",
        **fields,
    }


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            _body(
                age=17,
                email="not-an-email",
                website="not a url",
                favorite_band="BEATLES",
                username="ab",
                first_name="",
                password="short",
            ),
            [
                (["body", "age"], "greater_than_equal"),
                (["body", "email"], "value_error"),
                (["body", "website"], "url_parsing"),
                (["body", "favorite_band"], "enum"),
                (["body", "username"], "string_too_short"),
                (["body", "first_name"], "string_too_short"),
                (["body", "password"], "too_short"),
            ],
        ),
        (
            _body(age=151, username="x" * 33),
            [(["body", "age"], "less_than_equal"), (["body", "username"], "string_too_long")],
        ),
        (
            _body(age="old", username="ada lovelace", first_name=["Ada"]),
            [
                (["body", "age"], "int_parsing"),
                (["body", "username"], "string_pattern_mismatch"),
                (["body", "first_name"], "string_type"),
            ],
        ),
        (_body(username=42), [(["body", "username"], "string_type")]),
    ],
    ids=["out-of-range-and-format", "upper-bounds", "wrong-types", "username-type"],
)
async def test_register_bad_fields_are_422_with_fastapi_detail(
    pg: course.Playground, body: dict[str, object], errors: list[tuple[list[str], str]]
) -> None:
    response = await pg.client.post("/auth/users", json=body)
    detail = assert_validation_error(response, *errors)
    assert len(detail) == len(errors)
    assert await count(pg, AuthUser) == 0


async def test_register_missing_field_is_422(pg: course.Playground) -> None:
    response = await pg.client.post("/auth/users", json={"username": "ada"})
    assert_validation_error(
        response,
        (["body", "email"], "missing"),
        (["body", "password"], "missing"),
        (["body", "first_name"], "missing"),
    )


async def test_register_password_with_a_lone_surrogate_is_422_not_500(
    pg: course.Playground,
) -> None:
    # Valid JSON, but not encodable as UTF-8: Argon2 could not hash it.
    raw = b'{"username": "ada", "email": "ada@example.com", "first_name": "Ada", '
    raw += b'"password": "\\ud800-and-more-text"}'
    response = await pg.client.post(
        "/auth/users", content=raw, headers={"content-type": "application/json"}
    )
    assert_validation_error(response, (["body", "password"], "value_error"))
    assert await count(pg, AuthUser) == 0


async def test_register_malformed_json_is_422(pg: course.Playground) -> None:
    response = await pg.client.post(
        "/auth/users", content=b"{bad", headers={"content-type": "application/json"}
    )
    [error] = assert_validation_error(response, (["body", 1], "json_invalid"))
    assert error["msg"] == "JSON decode error"


@pytest.mark.parametrize(
    "body",
    [
        # Too short: FastAPI echoes the rejected value as ``input``.
        {"username": "ada", "email": "ada@example.com", "password": "hunter2", "first_name": "A"},
        # Another field missing: ``input`` is the whole body, password included.
        {"username": "ada", "password": PASSWORD, "first_name": "A"},
    ],
)
async def test_validation_error_does_not_echo_the_password(
    pg: course.Playground, body: dict[str, str]
) -> None:
    response = await pg.client.post("/auth/users", json=body)
    assert response.status_code == 422
    assert body["password"] not in response.text


# ---------------------------------------------------------------- GET /auth/users/me


async def test_read_me_returns_the_token_user(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    await create_user(pg, "bob")
    response = await pg.client.get("/auth/users/me", headers=ada.headers)
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["username"]) == (str(ada.id), "ada")
    [(profile_id,)] = await run(pg, select(Profile.id).where(Profile.user_id == ada.id))
    assert body["profile_id"] == str(profile_id)
    assert "password" not in response.text


async def test_read_me_without_token_is_401(pg: course.Playground) -> None:
    response = await pg.client.get("/auth/users/me")
    body = assert_error(response, 401, "INVALID_TOKEN", bearer=True)
    assert body["detail"] == "Not authenticated"


async def test_read_me_for_a_user_deleted_after_the_token_check_is_401(
    pg: course.Playground,
) -> None:
    ghost = JWTData(user_id=uuid.uuid4(), username="ghost", is_active=True)
    pg.app.dependency_overrides[auth_dependencies.parse_jwt_data] = lambda: ghost
    response = await pg.client.get("/auth/users/me")
    assert_error(response, 401, "INVALID_TOKEN", bearer=True)


async def test_read_me_refuses_an_inactive_users_token(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    await deactivate(pg, ada)
    response = await pg.client.get("/auth/users/me", headers=ada.headers)
    assert_error(response, 403, "USER_INACTIVE")
