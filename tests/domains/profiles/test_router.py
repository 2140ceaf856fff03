import uuid

import pytest

import course
from tests.factories import create_user
from tests.helpers import assert_error, assert_validation_error, deactivate


async def test_read_profile_is_public_and_made_at_registration(pg: course.Playground) -> None:
    ada = await pg.user("ada")
    response = await pg.client.get(f"/profiles/{ada.profile_id}")
    assert response.status_code == 200
    profile = response.json()
    assert set(profile) == {
        "id",
        "user_id",
        "display_name",
        "bio",
        "is_creator",
        "created_at",
        "updated_at",
    }
    assert (profile["id"], profile["user_id"]) == (str(ada.profile_id), str(ada.id))
    assert (profile["display_name"], profile["bio"], profile["is_creator"]) == ("ada", "", False)


async def test_read_unknown_profile_is_404(pg: course.Playground) -> None:
    response = await pg.client.get(f"/profiles/{uuid.uuid4()}")
    assert_error(response, 404, "PROFILE_NOT_FOUND")


async def test_read_profile_with_non_uuid_id_is_422(pg: course.Playground) -> None:
    response = await pg.client.get("/profiles/ada")
    assert_validation_error(response, (["path", "profile_id"], "uuid_parsing"))


async def test_update_own_profile_changes_only_the_fields_sent(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    url = f"/profiles/{ada.profile_id}"
    response = await pg.client.patch(url, json={"bio": "Analyst"}, headers=ada.headers)
    assert response.status_code == 200
    assert (response.json()["display_name"], response.json()["bio"]) == ("ada", "Analyst")
    response = await pg.client.patch(
        url, json={"display_name": "Ada L.", "is_creator": True}, headers=ada.headers
    )
    assert response.status_code == 200
    profile = (await pg.client.get(url)).json()
    assert (profile["display_name"], profile["bio"], profile["is_creator"]) == (
        "Ada L.",
        "Analyst",
        True,
    )


async def test_update_profile_with_empty_body_changes_nothing(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    url = f"/profiles/{ada.profile_id}"
    before = (await pg.client.get(url)).json()
    response = await pg.client.patch(url, json={}, headers=ada.headers)
    assert response.status_code == 200
    after = response.json()
    assert {k: after[k] for k in ("display_name", "bio", "is_creator")} == {
        k: before[k] for k in ("display_name", "bio", "is_creator")
    }


async def test_update_profile_of_another_user_is_forbidden(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    bob = await create_user(pg, "bob")
    response = await pg.client.patch(
        f"/profiles/{ada.profile_id}", json={"is_creator": True}, headers=bob.headers
    )
    assert_error(response, 403, "USER_NOT_OWNER")
    assert (await pg.client.get(f"/profiles/{ada.profile_id}")).json()["is_creator"] is False


async def test_update_profile_without_token_is_401(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    response = await pg.client.patch(f"/profiles/{ada.profile_id}", json={"bio": "x"})
    assert_error(response, 401, "INVALID_TOKEN", bearer=True)


async def test_update_profile_by_inactive_user_is_403(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    await deactivate(pg, ada)
    response = await pg.client.patch(
        f"/profiles/{ada.profile_id}", json={"bio": "x"}, headers=ada.headers
    )
    assert_error(response, 403, "USER_INACTIVE")


async def test_update_unknown_profile_is_404(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    response = await pg.client.patch(
        f"/profiles/{uuid.uuid4()}", json={"bio": "x"}, headers=ada.headers
    )
    assert_error(response, 404, "PROFILE_NOT_FOUND")


@pytest.mark.parametrize(
    ("body", "loc", "kind"),
    [
        ({"display_name": None}, ["body", "display_name"], "value_error"),
        ({"bio": None}, ["body", "bio"], "value_error"),
        ({"is_creator": None}, ["body", "is_creator"], "value_error"),
        ({"display_name": ""}, ["body", "display_name"], "string_too_short"),
        ({"display_name": "x" * 65}, ["body", "display_name"], "string_too_long"),
        ({"bio": "x" * 501}, ["body", "bio"], "string_too_long"),
        ({"is_creator": "maybe"}, ["body", "is_creator"], "bool_parsing"),
    ],
)
async def test_update_profile_bad_field_is_422(
    pg: course.Playground, body: dict[str, object], loc: list[str], kind: str
) -> None:
    ada = await create_user(pg, "ada")
    response = await pg.client.patch(f"/profiles/{ada.profile_id}", json=body, headers=ada.headers)
    assert_validation_error(response, (loc, kind))
