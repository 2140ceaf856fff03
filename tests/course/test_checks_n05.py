from typing import Annotated, Any

import pytest
from fastapi import Depends
from sqlalchemy import select

import course
from course.checks import n05
from playground.auth import dependencies as auth_dependencies
from playground.auth import exceptions as auth_exceptions
from playground.auth.models import AuthUser
from playground.auth.schemas import JWTData
from playground.database import SessionDep
from playground.domains.profiles import service as profiles_service
from playground.domains.profiles.models import Profile
from tests.course.wrong import Wrong


async def solution(user: auth_dependencies.ActiveUser, session: SessionDep) -> Profile | None:
    return await profiles_service.get_by_user_id(session=session, user_id=user.user_id)


async def skeleton(user: auth_dependencies.TokenData, session: SessionDep) -> Profile:  # type: ignore[empty-body]
    # your code: the caller's profile, in one query, built on what the chain already gave you
    ...


FreshToken = Annotated[JWTData, Depends(auth_dependencies.parse_jwt_data, use_cache=False)]


async def uncached(token: FreshToken, session: SessionDep) -> Profile | None:
    """The anti-pattern: the token parsed afresh for this dependency (use_cache=False)."""
    if not token.is_active:
        raise auth_exceptions.UserInactive()
    return await profiles_service.get_by_user_id(session=session, user_id=token.user_id)


async def rereads_the_user(
    user: auth_dependencies.TokenData, session: SessionDep
) -> Profile | None:
    """The anti-pattern too: the user the chain read, read again, on the bare token."""
    again = await session.scalar(select(AuthUser).where(AuthUser.id == user.user_id))
    assert again is not None
    return await profiles_service.get_by_user_id(session=session, user_id=again.id)


async def hard_coded(user: auth_dependencies.ActiveUser, session: SessionDep) -> Profile | None:
    """The profile of the user the check used to make, found by name."""
    query = select(Profile).join(AuthUser, Profile.user_id == AuthUser.id)
    return await session.scalar(query.where(AuthUser.username == "n05_reader"))


async def by_primary_key(user: auth_dependencies.ActiveUser, session: SessionDep) -> Profile | None:
    """The likeliest slip: the user's id used as the profile's own id."""
    return await session.get(Profile, user.user_id)


async def every_profile(user: auth_dependencies.ActiveUser, session: SessionDep) -> Profile | None:
    """Two SELECTs, but the second reads every profile and picks in Python."""
    profiles = (await session.scalars(select(Profile))).all()
    return next(profile for profile in profiles if profile.user_id == user.user_id)


SKELETON = skeleton
SELECTS = "one JWT decode and two SELECTs"
WRONG = [
    Wrong(
        "the token parsed again",
        uncached,
        SELECTS,
        "the token was decoded 2 times: use what the chain gave you, cached",
    ),
    Wrong(
        "the user read again on the bare token",
        rereads_the_user,
        SELECTS,
        "the user twice; the chain's ActiveUser has read it already",
    ),
    Wrong(
        "a hard-coded user",
        hard_coded,
        "the caller's own profile (two callers)",
        "your dependency returned None for a user made for this check",
    ),
    Wrong(
        "the profile looked up by the user's id",
        by_primary_key,
        "the caller's own profile (two callers)",
        "a profile's own id is not its user's id",
    ),
    Wrong(
        "every profile read",
        every_profile,
        SELECTS,
        "your profile query has no WHERE",
    ),
]


async def check_cell(answer: Any) -> None:
    async with await course.start() as pg:
        await course.check(n05.caller_profile(pg, answer))


async def test_the_solution_passes_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(2):  # a check cell can run twice
        await course.check(n05.caller_profile(pg, solution))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 6 and all(line.startswith("✔") for line in lines), lines
