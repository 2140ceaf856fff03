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


async def _failed(
    pg: course.Playground, answer: Any, capsys: pytest.CaptureFixture[str]
) -> list[str]:
    await course.check(n05.caller_profile(pg, answer))
    out = capsys.readouterr().out
    assert "Traceback" not in out and "(printed while checking)" not in out, out
    return [line for line in out.splitlines() if line.startswith("✘")]


async def test_the_solution_passes_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(2):  # a check cell can run twice
        await course.check(n05.caller_profile(pg, solution))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 6 and all(line.startswith("✔") for line in lines), lines


async def test_the_skeleton_fails_every_check(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    failed = await _failed(pg, skeleton, capsys)
    assert len(failed) == 3 and all("not answered yet" in line for line in failed), failed


async def test_a_token_parsed_again_is_caught(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    failed = await _failed(pg, uncached, capsys)
    assert len(failed) == 1, failed
    assert "the token was decoded 2 times: use what the chain gave you, cached" in failed[0]


async def test_rereading_the_user_on_the_bare_token_is_caught(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    failed = await _failed(pg, rereads_the_user, capsys)
    assert failed == [
        "✘ one JWT decode and two SELECTs: auth_user once (the chain), profile once (you): "
        "the request read ['auth_user', 'auth_user', 'profile']",
        "✘ an inactive user: 403: expected 403, got 200",
    ]


async def test_a_hard_coded_user_is_caught(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    failed = await _failed(pg, hard_coded, capsys)
    assert failed[0].startswith(
        "✘ the caller's own profile (two callers): your dependency returned"
    )


async def test_the_profile_looked_up_by_the_user_id_is_caught(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    failed = await _failed(pg, by_primary_key, capsys)
    assert len(failed) == 1, failed
    assert "a profile's own id is not its user's id" in failed[0], failed


async def test_every_profile_read_is_caught(
    pg: course.Playground, capsys: pytest.CaptureFixture[str]
) -> None:
    failed = await _failed(pg, every_profile, capsys)
    assert len(failed) == 1 and "your profile query has no WHERE" in failed[0], failed
