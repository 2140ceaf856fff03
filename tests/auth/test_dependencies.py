"""``parse_jwt_data`` and friends: every token attack is a 401 ``INVALID_TOKEN``."""

import base64
import json
import uuid
import warnings
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from jwt.warnings import InsecureKeyLengthWarning
from sqlalchemy import delete

import course
from playground.auth import dependencies as auth_dependencies
from playground.auth import exceptions as auth_exceptions
from playground.auth import utils as auth_utils
from playground.auth.models import AuthUser
from playground.domains.posts.models import Post
from playground.domains.profiles.models import Profile
from tests.factories import create_user
from tests.helpers import assert_error, count, deactivate, run


def _claims(user_id: uuid.UUID, **overrides: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    claims: dict[str, Any] = {"sub": str(user_id), "iat": now, "exp": now + timedelta(minutes=5)}
    claims.update(overrides)
    return {key: value for key, value in claims.items() if value is not None}


def _b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data, default=lambda d: int(d.timestamp())).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _secret(pg: course.Playground) -> str:
    return pg.auth_config.JWT_SECRET.get_secret_value()


def _hs512(claims: dict[str, Any], secret: str) -> str:
    with warnings.catch_warnings():
        # PyJWT warns that the dev secret is short for SHA-512; the token is refused anyway.
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)
        return jwt.encode(claims, secret, algorithm="HS512")


# Each builds a bad token for a registered user; all must be refused the same way.
TokenFactory = Callable[[course.Playground, course.User], str]

ATTACKS: dict[str, TokenFactory] = {
    "malformed": lambda pg, u: "abc",
    "wrong-signature": lambda pg, u: jwt.encode(
        _claims(u.id), "another-secret-of-at-least-32-bytes!", algorithm="HS256"
    ),
    "alg-none-pyjwt": lambda pg, u: jwt.encode(_claims(u.id), "", algorithm="none"),
    "alg-none-hand-built": lambda pg, u: (
        f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims(u.id))}."
    ),
    "other-algorithm": lambda pg, u: _hs512(_claims(u.id), _secret(pg)),
    "expired-by-create": lambda pg, u: auth_utils.create_access_token(
        user_id=u.id,
        config=pg.auth_config,
        now=datetime.now(UTC) - timedelta(minutes=pg.auth_config.JWT_EXPIRE_MINUTES + 1),
    ),
    "expired-exp": lambda pg, u: jwt.encode(
        _claims(u.id, exp=datetime.now(UTC) - timedelta(seconds=5)), _secret(pg)
    ),
    "missing-sub": lambda pg, u: jwt.encode(_claims(u.id, sub=None), _secret(pg)),
    "missing-exp": lambda pg, u: jwt.encode(_claims(u.id, exp=None), _secret(pg)),
    "missing-iat": lambda pg, u: jwt.encode(_claims(u.id, iat=None), _secret(pg)),
    "non-uuid-sub": lambda pg, u: jwt.encode(_claims(u.id, sub="ada"), _secret(pg)),
    "non-string-sub": lambda pg, u: jwt.encode(_claims(u.id, sub=42), _secret(pg)),
    "unknown-user": lambda pg, u: auth_utils.create_access_token(
        user_id=uuid.uuid4(), config=pg.auth_config
    ),
}


@pytest.mark.parametrize("attack", ATTACKS)
async def test_bad_token_is_401_invalid_token(pg: course.Playground, attack: str) -> None:
    ada = await create_user(pg, "ada")
    token = ATTACKS[attack](pg, ada)
    response = await pg.client.get("/auth/users/me", headers={"Authorization": f"Bearer {token}"})
    assert_error(response, 401, "INVALID_TOKEN", bearer=True)


async def test_the_same_claims_signed_correctly_are_accepted(pg: course.Playground) -> None:
    # The control for the attacks above: only what they change makes them fail.
    ada = await create_user(pg, "ada")
    token = jwt.encode(_claims(ada.id), _secret(pg), algorithm="HS256")
    response = await pg.client.get("/auth/users/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer "}, {"Authorization": "Basic YWRhOnB3"}],
    ids=["no-header", "empty-bearer", "basic-scheme"],
)
async def test_missing_token_is_401_invalid_token(
    pg: course.Playground, headers: dict[str, str]
) -> None:
    response = await pg.client.get("/auth/users/me", headers=headers)
    body = assert_error(response, 401, "INVALID_TOKEN", bearer=True)
    assert body["detail"] == "Not authenticated"


async def test_token_of_a_deleted_user_is_401(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    await run(pg, delete(AuthUser).where(AuthUser.id == ada.id))
    response = await pg.client.get("/auth/users/me", headers=ada.headers)
    assert_error(response, 401, "INVALID_TOKEN", bearer=True)


async def test_token_of_a_user_without_profile_is_401(pg: course.Playground) -> None:
    # The token data joins user and profile; a user row alone is not enough.
    ada = await create_user(pg, "ada")
    await run(pg, delete(Profile).where(Profile.user_id == ada.id))
    response = await pg.client.get("/auth/users/me", headers=ada.headers)
    assert_error(response, 401, "INVALID_TOKEN", bearer=True)


def test_subject_must_be_a_uuid_string() -> None:
    user_id = uuid.uuid4()
    assert auth_dependencies._subject({"sub": str(user_id)}) == user_id
    # PyJWT already rejects a non-string ``sub``; the dependency does not rely on it.
    for claims in ({"sub": 42}, {}, {"sub": "not-a-uuid"}):
        with pytest.raises(auth_exceptions.InvalidToken):
            auth_dependencies._subject(claims)


async def test_token_is_checked_with_one_query(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    with pg.count_sql() as sql:
        response = await pg.client.post(
            "/posts", json={"title": "t", "body": "b"}, headers=ada.headers
        )
    assert response.status_code == 201
    # One SELECT (the user, nothing joined) for the token, one INSERT for the post.
    assert sql.kinds() == ["SELECT", "INSERT"]
    assert "FROM auth_user WHERE" in sql.statements[0]


async def test_inactive_user_is_403_user_inactive_on_active_routes(
    pg: course.Playground,
) -> None:
    ada = await create_user(pg, "ada")
    await deactivate(pg, ada)
    response = await pg.client.post("/posts", json={"title": "t", "body": "b"}, headers=ada.headers)
    assert_error(response, 403, "USER_INACTIVE")
    assert await count(pg, Post) == 0


async def test_inactive_creator_is_403_user_inactive_before_creator_check(
    pg: course.Playground,
) -> None:
    ada = await create_user(pg, "ada", creator=True)
    post = await pg.client.post("/posts", json={"title": "t", "body": "b"}, headers=ada.headers)
    await deactivate(pg, ada)
    response = await pg.client.get(
        f"/users/{ada.id}/posts/{post.json()['id']}", headers=ada.headers
    )
    assert_error(response, 403, "USER_INACTIVE")


async def test_non_creator_is_403_user_not_creator(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    post = await pg.client.post("/posts", json={"title": "t", "body": "b"}, headers=ada.headers)
    response = await pg.client.get(
        f"/users/{ada.id}/posts/{post.json()['id']}", headers=ada.headers
    )
    assert_error(response, 403, "USER_NOT_CREATOR")
