import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from playground.auth import utils as auth_utils
from playground.auth.config import AuthConfig

CONFIG = AuthConfig(_env_file=None, JWT_EXPIRE_MINUTES=30)


def test_access_token_round_trips_subject_and_times() -> None:
    user_id = uuid.uuid4()
    now = datetime.now(UTC).replace(microsecond=0)
    token = auth_utils.create_access_token(user_id=user_id, config=CONFIG, now=now)
    claims = auth_utils.decode_access_token(token, config=CONFIG)
    assert claims == {
        "sub": str(user_id),
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=30)).timestamp()),
    }


def test_access_token_is_signed_with_the_pinned_algorithm() -> None:
    token = auth_utils.create_access_token(user_id=uuid.uuid4(), config=CONFIG)
    assert jwt.get_unverified_header(token)["alg"] == "HS256"


def test_expired_token_is_refused() -> None:
    past = datetime.now(UTC) - timedelta(minutes=31)
    token = auth_utils.create_access_token(user_id=uuid.uuid4(), config=CONFIG, now=past)
    with pytest.raises(jwt.ExpiredSignatureError):
        auth_utils.decode_access_token(token, config=CONFIG)


def test_token_from_another_secret_is_refused() -> None:
    other = AuthConfig(_env_file=None, JWT_SECRET="x" * 40)
    token = auth_utils.create_access_token(user_id=uuid.uuid4(), config=other)
    with pytest.raises(jwt.InvalidSignatureError):
        auth_utils.decode_access_token(token, config=CONFIG)


def test_password_hasher_uses_the_configured_argon2_cost() -> None:
    config = AuthConfig(_env_file=None, PASSWORD_HASH_TIME_COST=2, PASSWORD_HASH_MEMORY_KIB=2048)
    hasher = auth_utils.PasswordHasher(config)
    hashed = hasher.hash("correct-horse-battery")
    assert hashed.startswith("$argon2id$")
    assert "m=2048,t=2" in hashed
    assert hasher.verify("correct-horse-battery", hashed)
    assert not hasher.verify("wrong-horse-battery", hashed)
