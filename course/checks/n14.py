"""Notebook 14's exercise: a test that proves ``GET /auth/users/me`` needs a token."""

import inspect
from collections.abc import Awaitable, Callable

import course
from course.exercises import Unanswered
from playground.auth import dependencies as auth_dependencies
from playground.auth import exceptions as auth_exceptions
from playground.auth.schemas import JWTData

PlaygroundTest = Callable[[course.Playground], Awaitable[None]]
_FORBIDDEN = ": FastAPI's security classes answer 401, not 403, since 0.122"


def _source(test: PlaygroundTest) -> str:
    try:
        return inspect.getsource(test)
    except (OSError, TypeError):
        return ""


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
                + (_FORBIDDEN if answer.status_code == 401 and "403" in _source(test) else "")
            ) from None

    async def catches_an_open_route() -> None:
        ada = await pg.user("ada")
        asked: list[int] = []

        def let_in() -> JWTData:
            asked.append(1)
            return JWTData(user_id=ada.id, username=ada.username, is_active=True)

        with pg.override(auth_dependencies.parse_jwt_data, let_in):
            fails = await _fails(test, pg)
        assert fails or asked, (
            "your test passes whatever the app answers: it never sends GET /auth/users/me; "
            "assert on the response it gets, not on values written in the test"
        )
        assert fails, "your test still passes when no token is needed"

    async def catches_the_wrong_code() -> None:
        def wrong_code() -> JWTData:
            raise auth_exceptions.InvalidCredentials()

        with pg.override(auth_dependencies.parse_jwt_data, wrong_code):
            assert await _fails(test, pg), "your test passes on a 401 with INVALID_CREDENTIALS"

    passing = course.Check(
        "passes against the playground", "GET /auth/users/me with no headers", passes
    )
    open_route = course.Check(
        "fails if /auth/users/me lets anyone in (200)",
        "assert response.status_code == 401",
        catches_an_open_route,
        needs=passing,
    )
    return [
        passing,  # a test that fails on the working app fails on the broken ones for nothing
        open_route,
        course.Check(
            "fails if the 401 carries another code",
            'assert response.json()["code"] == "INVALID_TOKEN"',
            catches_the_wrong_code,
            needs=open_route,
        ),
    ]
