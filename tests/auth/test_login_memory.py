"""64 concurrent logins on a served app with the production Argon2 memory cost: the memory
they add stays bounded (it was 64 MiB each, 124 -> 1,090 MiB; now PASSWORD_HASH_CONCURRENCY
hashes at most run at once)."""

import asyncio
import threading

import httpx
import psutil

import course
from playground.auth.config import AuthConfig

LOGINS = 64
MAX_ADDED_MIB = 300
PRODUCTION_MEMORY = AuthConfig.model_fields["PASSWORD_HASH_MEMORY_KIB"].default
UNTHROTTLED = {"LOGIN_RATE_PER_CLIENT": "1000/minute", "LOGIN_RATE_PER_USERNAME": "1000/minute"}


async def test_64_concurrent_logins_add_at_most_300_mib() -> None:
    auth = {"PASSWORD_HASH_MEMORY_KIB": PRODUCTION_MEMORY, "PASSWORD_HASH_TIME_COST": 1}
    async with await course.start(auth={**auth, **UNTHROTTLED}) as pg:
        await pg.register("ada")
        process = psutil.Process()
        async with (
            pg.serve() as base_url,
            httpx.AsyncClient(base_url=base_url, timeout=120) as client,
        ):
            wrong = {"username": "ada", "password": "wrong-password"}
            assert (await client.post("/auth/token", data=wrong)).status_code == 401  # warm
            before = peak = process.memory_info().rss
            done = threading.Event()

            def sample() -> None:
                nonlocal peak
                while not done.is_set():
                    peak = max(peak, process.memory_info().rss)
                    done.wait(0.005)

            sampler = threading.Thread(target=sample)
            sampler.start()
            try:
                responses = await asyncio.gather(
                    *(client.post("/auth/token", data=wrong) for _ in range(LOGINS))
                )
            finally:
                done.set()
                sampler.join()
    assert [r.status_code for r in responses] == [401] * LOGINS
    added = (peak - before) / 2**20
    assert added <= MAX_ADDED_MIB, f"{added:.0f} MiB added"
