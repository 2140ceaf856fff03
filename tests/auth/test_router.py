import course
from tests.helpers import assert_error, assert_validation_error

PASSWORD = course.DEFAULT_PASSWORD


# ---------------------------------------------------------------- POST /auth/token


async def test_login_returns_a_bearer_token_that_works(pg: course.Playground) -> None:
    user_id = (await pg.register("ada")).json()["id"]
    response = await pg.client.post("/auth/token", data={"username": "ada", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type"}
    assert body["token_type"] == "bearer"
    me = await pg.client.get(
        "/auth/users/me", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.json()["id"] == user_id


async def test_login_username_is_case_insensitive(pg: course.Playground) -> None:
    await pg.register("ada")
    token = await pg.login("ADA")
    assert token


async def test_login_unknown_user_and_wrong_password_look_the_same(
    pg: course.Playground,
) -> None:
    await pg.register("ada")
    wrong_password = await pg.client.post(
        "/auth/token", data={"username": "ada", "password": "wrong-password"}
    )
    unknown_user = await pg.client.post(
        "/auth/token", data={"username": "nobody", "password": PASSWORD}
    )
    body = assert_error(wrong_password, 401, "INVALID_CREDENTIALS", bearer=True)
    assert_error(unknown_user, 401, "INVALID_CREDENTIALS", bearer=True)
    assert unknown_user.content == wrong_password.content
    assert body["detail"] == "Incorrect username or password"


async def test_login_without_password_is_422(pg: course.Playground) -> None:
    response = await pg.client.post("/auth/token", data={"username": "ada"})
    assert_validation_error(response, (["body", "password"], "missing"))


async def test_login_normalises_the_username_like_registration(pg: course.Playground) -> None:
    await pg.user("ada")
    token = await pg.login("  ADA ")
    me = await pg.client.get("/auth/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["username"] == "ada"
