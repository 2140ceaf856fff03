"""Logins and registrations are throttled per client and per username (429, ``Retry-After``);
Argon2 runs at most ``PASSWORD_HASH_CONCURRENCY`` at once; a deactivated user is refused."""

import asyncio
import threading
import time
from typing import Any

import pytest

import course
from playground.auth.config import AuthConfig, load_auth_config
from playground.config import SettingsError
from playground.throttling import MEMORY, Throttle, storage_uri
from tests.helpers import assert_error, deactivate

PASSWORD = course.DEFAULT_PASSWORD
OPEN = "1000/minute"


def _rates(**rates: str) -> dict[str, Any]:
    names = [
        f"{action}_RATE_PER_{key}"
        for action in ("LOGIN", "REGISTER")
        for key in ("CLIENT", "USERNAME")
    ]
    return {name: rates.get(name, OPEN) for name in names}


def _assert_throttled(response: Any) -> None:
    assert_error(response, 429, "TOO_MANY_ATTEMPTS")
    assert 1 <= int(response.headers["retry-after"]) <= 60


async def _log_in(pg: course.Playground, username: str, password: str = "wrong-password") -> Any:
    return await pg.client.post("/auth/token", data={"username": username, "password": password})


async def test_wrong_passwords_for_one_username_are_throttled() -> None:
    async with await course.start(auth=_rates(LOGIN_RATE_PER_USERNAME="3/minute")) as pg:
        await pg.register("ada")
        for _ in range(3):
            assert (await _log_in(pg, "ada")).status_code == 401
        _assert_throttled(await _log_in(pg, "ada"))
        _assert_throttled(await _log_in(pg, " ADA ", PASSWORD))  # the same user, normalised
        assert (await _log_in(pg, "bob")).status_code == 401  # another username is not


async def test_logins_from_one_client_are_throttled_whatever_the_username() -> None:
    async with await course.start(auth=_rates(LOGIN_RATE_PER_CLIENT="3/minute")) as pg:
        for name in ("a1", "a2", "a3"):
            assert (await _log_in(pg, name)).status_code == 401
        _assert_throttled(await _log_in(pg, "a4"))


async def test_registrations_from_one_client_are_throttled() -> None:
    async with await course.start(auth=_rates(REGISTER_RATE_PER_CLIENT="2/minute")) as pg:
        assert (await pg.register("ada")).status_code == 201
        assert (await pg.register("bob")).status_code == 201
        _assert_throttled(await pg.register("cyd"))


async def test_registrations_of_one_username_are_throttled() -> None:
    async with await course.start(auth=_rates(REGISTER_RATE_PER_USERNAME="2/minute")) as pg:
        assert (await pg.register("ada")).status_code == 201
        assert (await pg.register("ada", email="other@example.com")).status_code == 409
        _assert_throttled(await pg.register("ada", email="third@example.com"))
        assert (await pg.register("bob")).status_code == 201


async def test_the_default_rates_stop_the_floods_of_the_issue() -> None:
    """200 wrong passwords for one user, 50 registrations from one client: all were answered."""
    defaults = {name: AuthConfig.model_fields[name].default for name in course.ROOMY_THROTTLES}
    async with await course.start(auth=defaults) as pg:
        await pg.register("ada")
        logins = [(await _log_in(pg, "ada")).status_code for _ in range(25)]
        assert logins == [401] * 20 + [429] * 5
        registrations = [(await pg.register(f"user{n}")).status_code for n in range(35)]
        assert registrations == [201] * 29 + [429] * 6  # ada's was the first of 30 a minute


def test_a_rate_that_is_not_one_stops_startup() -> None:
    with pytest.raises(SettingsError, match="PLAYGROUND_AUTH_LOGIN_RATE_PER_CLIENT"):
        load_auth_config(_env_file=None, LOGIN_RATE_PER_CLIENT="often")


def test_the_counters_live_in_redis_when_the_queue_does() -> None:
    assert storage_uri("redis://cache:6379/0") == "async+redis://cache:6379/0"
    assert storage_uri("sqlite:///queue.db") == MEMORY
    Throttle(storage_uri("redis://127.0.0.1:1/0"))  # built without connecting (redis-py)


async def test_the_throttle_counts_per_key_and_says_how_long_to_wait() -> None:
    throttle = Throttle()
    assert [await throttle.hit("2/minute", "k") for _ in range(2)] == [None, None]
    retry_after = await throttle.hit("2/minute", "k")
    assert retry_after is not None and 1 <= retry_after <= 60
    assert await throttle.hit("2/minute", "other") is None


async def test_argon2_runs_at_most_the_configured_number_at_once() -> None:
    async with await course.start(auth={"PASSWORD_HASH_CONCURRENCY": 2}) as pg:
        await pg.register("ada")
        hasher = pg.app.state.password_hasher
        verify = hasher._argon2.verify
        running, peak, lock = 0, 0, threading.Lock()

        def slow_verify(*args: Any) -> bool:
            nonlocal running, peak
            with lock:
                running += 1
                peak = max(peak, running)
            time.sleep(0.05)
            with lock:
                running -= 1
            return bool(verify(*args))

        hasher._argon2.verify = slow_verify
        responses = await asyncio.gather(*(_log_in(pg, "ada", PASSWORD) for _ in range(8)))
        assert [r.status_code for r in responses] == [200] * 8
        assert peak == 2, peak


async def test_a_deactivated_user_cannot_log_in() -> None:
    async with await course.start() as pg:
        ada = await pg.user("ada")
        await deactivate(pg, ada)
        assert_error(await _log_in(pg, "ada", PASSWORD), 403, "USER_INACTIVE")
        # A wrong password says nothing about the account: the same 401 as for anyone.
        assert_error(await _log_in(pg, "ada"), 401, "INVALID_CREDENTIALS", bearer=True)


async def test_a_deactivated_users_token_no_longer_reads_me() -> None:
    async with await course.start() as pg:
        ada = await pg.user("ada")
        assert (await pg.client.get("/auth/users/me", headers=ada.headers)).status_code == 200
        await deactivate(pg, ada)
        me = await pg.client.get("/auth/users/me", headers=ada.headers)
        assert_error(me, 403, "USER_INACTIVE")


async def test_a_throttle_whose_redis_is_down_lets_logins_through(
    caplog: pytest.LogCaptureFixture,
) -> None:
    throttle = Throttle(storage_uri("redis://127.0.0.1:1/0"))  # nothing listens there
    assert await throttle.hit("1/minute", "k") is None
    assert await throttle.hit("1/minute", "k") is None
    assert "rate limit storage unavailable" in caplog.text
