"""The factory makes what registration makes, without HTTP or an Argon2 hash per user."""

from typing import Any

import course
from playground.domains.profiles.models import Profile
from tests.factories import create_user
from tests.helpers import count

# What differs between any two users, however they were made.
DISTINCT = {"id", "user_id", "profile_id", "created_at", "updated_at"}


def _same_part(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key not in DISTINCT}


async def test_a_factory_user_reads_like_a_registered_one(pg: course.Playground) -> None:
    registered = await pg.user("ada")
    async with await course.start() as other:
        made = await create_user(other, "ada")
        me = (await other.client.get("/auth/users/me", headers=made.headers)).json()
        profile = (await other.client.get(f"/profiles/{made.profile_id}")).json()
    assert (me["id"], me["profile_id"]) == (str(made.id), str(made.profile_id))
    assert profile["user_id"] == str(made.id)
    registered_me = (await pg.client.get("/auth/users/me", headers=registered.headers)).json()
    registered_profile = (await pg.client.get(f"/profiles/{registered.profile_id}")).json()
    assert _same_part(me) == _same_part(registered_me)
    assert _same_part(profile) == _same_part(registered_profile)


async def test_a_factory_user_logs_in_with_the_default_password(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    token = await pg.login("ada", course.DEFAULT_PASSWORD)
    me = await pg.client.get("/auth/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["id"] == str(ada.id)


async def test_a_factory_creator_is_a_creator(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada", creator=True)
    bob = await create_user(pg, "bob")
    assert (await pg.client.get(f"/creators/{ada.profile_id}")).status_code == 200
    assert (await pg.client.get(f"/creators/{bob.profile_id}")).status_code == 404
    assert await count(pg, Profile) == 2
