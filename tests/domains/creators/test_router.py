import uuid

import course
from tests.factories import create_user
from tests.helpers import assert_error


async def test_read_creator_is_the_same_profile_by_the_same_id(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada", creator=True)
    creator = await pg.client.get(f"/creators/{ada.profile_id}")
    profile = await pg.client.get(f"/profiles/{ada.profile_id}")
    assert creator.status_code == 200
    assert creator.json() == profile.json()
    assert creator.json()["is_creator"] is True


async def test_read_creator_of_a_non_creator_is_404_profile_not_creator(
    pg: course.Playground,
) -> None:
    ada = await create_user(pg, "ada")
    response = await pg.client.get(f"/creators/{ada.profile_id}")
    assert_error(response, 404, "PROFILE_NOT_CREATOR")


async def test_read_creator_of_unknown_profile_is_404_profile_not_found(
    pg: course.Playground,
) -> None:
    # The creator dependency chains the profile one: an unknown id fails there first.
    response = await pg.client.get(f"/creators/{uuid.uuid4()}")
    assert_error(response, 404, "PROFILE_NOT_FOUND")


async def test_creator_status_follows_the_profile(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada", creator=True)
    url = f"/creators/{ada.profile_id}"
    assert (await pg.client.get(url)).status_code == 200
    patched = await pg.client.patch(
        f"/profiles/{ada.profile_id}", json={"is_creator": False}, headers=ada.headers
    )
    assert patched.status_code == 200
    assert_error(await pg.client.get(url), 404, "PROFILE_NOT_CREATOR")


async def test_read_creator_with_non_uuid_id_is_422(pg: course.Playground) -> None:
    response = await pg.client.get("/creators/ada")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "profile_id"]
