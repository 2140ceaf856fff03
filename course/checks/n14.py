"""Notebook 14's exercise: a test that proves ``GET /auth/users/me`` needs a token."""

from collections.abc import Awaitable, Callable

import course
from course.exercises import Unanswered
from playground.auth import dependencies as auth_dependencies
from playground.auth import exceptions as auth_exceptions
from playground.auth.schemas import JWTData

PlaygroundTest = Callable[[course.Playground], Awaitable[None]]


async def _fails(test: PlaygroundTest, pg: course.Playground) -> bool:
    """Whether pytest would call ``test`` failed: any exception, not only a failed assert."""
    try:
        await test(pg)
    except Exception:  # a KeyError or RuntimeError fails a test under pytest too
        return True
    return False


def me_requires_a_token(test: PlaygroundTest, pg: course.Playground) -> list[course.Check]:
    """``test(pg)`` passes on the playground and fails on two broken versions of it."""

    async def passes() -> None:
        try:
            await course.answered(test)(pg)
        except Unanswered:
            raise
        except Exception as exc:
            said = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".rstrip(
                ": "
            )
            if isinstance(exc, TypeError) and "'app'" in str(exc):
                raise AssertionError(
                    f"{said}: httpx 0.28 removed AsyncClient(app=...); use pg.client"
                ) from None
            answer = await pg.client.get("/auth/users/me")
            raise AssertionError(
                f"your test fails on the working playground ({said}); without a token it "
                f"answers {answer.status_code} {answer.json()}"
            ) from None

    async def catches_an_open_route() -> None:
        ada = await pg.user("ada")
        let_in = JWTData(user_id=ada.id, username=ada.username, is_active=True)
        with pg.override(auth_dependencies.parse_jwt_data, lambda: let_in):
            assert await _fails(test, pg), "your test still passes when no token is needed"

    async def catches_the_wrong_code() -> None:
        def wrong_code() -> JWTData:
            raise auth_exceptions.InvalidCredentials()

        with pg.override(auth_dependencies.parse_jwt_data, wrong_code):
            assert await _fails(test, pg), "your test passes on a 401 with INVALID_CREDENTIALS"

    return [
        course.Check("passes against the playground", "GET /auth/users/me with no headers", passes),
        course.Check(
            "fails if /auth/users/me lets anyone in (200)",
            "assert response.status_code == 401",
            catches_an_open_route,
        ),
        course.Check(
            "fails if the 401 carries another code",
            'assert response.json()["code"] == "INVALID_TOKEN"',
            catches_the_wrong_code,
        ),
    ]
