"""Notebook 20's exercise: a context manager that makes the app see a known user, then undoes it."""

import inspect
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from fastapi import FastAPI

import course
from course import apps
from playground.auth import dependencies as auth_dependencies
from playground.domains.notifications import dependencies as notifications_dependencies

SignedInAs = Callable[[FastAPI, course.User], AbstractContextManager[Any]]
ME = "/auth/users/me"
BARE = "/whoami"  # a route on the bare token (TokenData), on an app of the check's own
BLOCK_HINT = "a generator function with one yield, decorated with @contextmanager"


class _Boom(Exception):
    """Raised inside the learner's block, to see the override go even then."""


async def _sender(*, user_id: uuid.UUID, subject: str, body: str) -> None:
    """Stands for an override some other fixture installed before the block."""


def _get_other_sender() -> Any:
    return _sender


@contextmanager
def _restored(app: FastAPI) -> Iterator[dict[Any, Any]]:
    """Whatever the learner's code leaves behind, the app's overrides come back after a check."""
    saved = dict(app.dependency_overrides)
    try:
        yield saved
    finally:
        app.dependency_overrides.clear()
        app.dependency_overrides.update(saved)


async def _me(pg: course.Playground) -> tuple[int, str | None]:
    """``GET /auth/users/me`` without a token: the status, and whom it answered for."""
    response = await pg.client.get(ME)
    username = response.json().get("username") if response.status_code == 200 else None
    return response.status_code, username


def _bare_token_app(pg: course.Playground) -> FastAPI:
    """An app on the playground's database with one route that takes ``TokenData`` alone: every
    playground route stands behind ``ActiveUser``, so only a route like this one tells an
    override of the chain's root from one of ``valid_active_user``."""
    app = apps.side_app(pg)

    @app.get(BARE)
    async def whoami(token: auth_dependencies.TokenData) -> dict[str, str]:
        return {"username": token.username}

    return app


async def _whoami(app: FastAPI) -> tuple[int, str | None]:
    response = await apps.request(app, "GET", BARE)
    username = response.json().get("username") if response.status_code == 200 else None
    return response.status_code, username


def _names(state: tuple[int, str | None]) -> str:
    status, username = state
    return f"HTTP {status}" + (f" as {username}" if username else "")


def _not_a_block(made: object) -> str | None:
    """Why ``made`` cannot stand in a ``with`` statement, or None if it can."""
    if hasattr(made, "__enter__") and hasattr(made, "__exit__"):
        return None
    if inspect.isgenerator(made):
        return "signed_in_as(app, user) gave a generator, not a context manager"
    return f"signed_in_as(app, user) gave {made!r}, not a context manager"


def signed_in(signed_in_as: SignedInAs, pg: course.Playground) -> list[course.Check]:
    """``signed_in_as(app, user)`` makes every route see ``user`` without a token, in the
    block only; whatever ``app.dependency_overrides`` held before comes back, even on errors.

    One mistake, one ✘: an answer that is no context manager gets one check that says so; the
    checks after the first wait for it, and each undoing check for the one before."""
    learner = signed_in_as

    def block(app: FastAPI, user: course.User) -> AbstractContextManager[Any]:
        made: AbstractContextManager[Any] = course.answered(learner)(app, user)
        why = _not_a_block(made)
        if why:
            raise AssertionError(f"{why}: {BLOCK_HINT}")
        return made

    async def a_block() -> None:
        _, bob = await users()
        with _restored(pg.app):
            why = _not_a_block(course.answered(learner)(pg.app, bob))
        assert why is None, why

    async def users() -> tuple[course.User, course.User]:
        return await pg.user("ada"), await pg.user("bob")

    async def sees_the_user() -> None:
        _, bob = await users()
        app = _bare_token_app(pg)
        with block(app, bob):
            inside = await _whoami(app)
            added = list(app.dependency_overrides)
        said = f"GET {BARE} (a route on TokenData alone), no token, inside the block"
        if inside[0] == 401 and not added:
            raise AssertionError(f"{said}: HTTP 401; nothing was overridden inside the block")
        if inside[0] == 401 and auth_dependencies.parse_jwt_data not in added:
            raise AssertionError(
                f"{said}: HTTP 401; you overrode {_keys(dict.fromkeys(added))}, but the route "
                "still reads the token through parse_jwt_data: override that one"
            )
        assert inside == (200, "bob"), f"{said}: {_names(inside)}"

    async def behind_active_user() -> None:
        _, bob = await users()
        with _restored(pg.app), block(pg.app, bob):
            response = await pg.client.get(f"/users/{bob.id}/emails")
        assert response.status_code == 200, (
            f"GET /users/{{bob's id}}/emails inside the block: HTTP {response.status_code}"
        )

    async def removed_after() -> None:
        _, bob = await users()
        other = pg.override(notifications_dependencies.get_email_sender, _get_other_sender)
        with _restored(pg.app), other:
            before = dict(pg.app.dependency_overrides)
            with block(pg.app, bob):
                inside = await _me(pg)
            after, left = await _me(pg), dict(pg.app.dependency_overrides)
        assert inside == (200, "bob"), f"inside the block: {_names(inside)}"
        assert after[0] == 401, f"after the block, without a token: {_names(after)}"
        assert left == before, (
            f"app.dependency_overrides after the block: {_keys(left)}, before it: {_keys(before)}"
        )

    async def removed_on_error() -> None:
        _, bob = await users()
        inside: tuple[int, str | None] = (0, None)
        with _restored(pg.app) as before:
            try:
                with block(pg.app, bob):
                    inside = await _me(pg)
                    raise _Boom
            except _Boom:
                pass
            after, left = await _me(pg), dict(pg.app.dependency_overrides)
        assert inside == (200, "bob"), f"inside the block: {_names(inside)}"
        assert after[0] == 401 and left == before, (
            f"after an exception in the block: {_names(after)}, overrides {_keys(left)}"
        )

    async def nested() -> None:
        ada, bob = await users()
        inner: tuple[int, str | None] = (0, None)
        outer: tuple[int, str | None] = (0, None)
        with _restored(pg.app):
            try:
                with block(pg.app, ada):
                    with block(pg.app, bob):
                        inner = await _me(pg)
                    outer = await _me(pg)
            except KeyError as exc:  # the outer block removing what the inner one removed
                missing = getattr(exc.args[0], "__name__", exc.args[0]) if exc.args else ""
                raise AssertionError(
                    f"back in the outer block (ada): {_names(outer)}, and leaving it raised "
                    f"KeyError: {missing}: the inner block removed the outer one's override"
                ) from None
            after = await _me(pg)
        assert inner == (200, "bob"), f"inner block (bob): {_names(inner)}"
        assert outer == (200, "ada"), f"back in the outer block (ada): {_names(outer)}"
        assert after[0] == 401, f"after both blocks: {_names(after)}"

    if inspect.isgeneratorfunction(learner):  # the @contextmanager forgotten: nothing else runs
        return [
            course.Check("signed_in_as(app, user) makes a context manager", BLOCK_HINT, a_block)
        ]
    sees = course.Check(
        "inside the block, a route on the bare token (TokenData) answers 200 for the user",
        "override auth_dependencies.parse_jwt_data (the root of the chain) with a function "
        "returning JWTData(...), not valid_active_user",
        sees_the_user,
    )
    removed = course.Check(
        "after the block: 401 without a token again, and other overrides are left alone",
        "remove only your own override (pop it, do not clear() the dict)",
        removed_after,
        needs=sees,
    )
    on_error = course.Check(  # an override never removed is not removed on errors either
        "an exception inside the block still removes the override",
        "yield inside try: ... finally: (remove the override in finally)",
        removed_on_error,
        needs=removed,
    )
    return [
        sees,  # an override that never takes effect cannot be undone: the rest waits for it
        course.Check(
            "inside the block, a route behind ActiveUser answers 200 too (GET /users/{id}/emails)",
            "override parse_jwt_data (the root of the chain), not valid_active_user",
            behind_active_user,
            needs=sees,
        ),
        removed,
        on_error,
        course.Check(
            "nested: signed_in_as(bob) inside signed_in_as(ada) gives ada back after",
            "remember what was there before and put it back (as pg.override does)",
            nested,
            needs=on_error,
        ),
    ]


def _keys(overrides: dict[Any, Any]) -> list[str]:
    return sorted(getattr(key, "__name__", repr(key)) for key in overrides)
