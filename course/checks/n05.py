"""Notebook 05's exercise: a dependency built on the cached chain, used twice, run once."""

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI

from course import probes
from course.exercises import Check, answered
from course.sandbox import Playground, User

Dependency = Callable[..., Awaitable[Any]]
PATH = "/me/profile"


class _Stage:
    """A side app whose route needs the learner's dependency twice; users made on first use."""

    def __init__(self, pg: Playground, caller_profile: Dependency) -> None:
        self.pg = pg
        self.caller_profile = caller_profile
        self.app: FastAPI | None = None

    async def setup(self) -> FastAPI:
        if self.app is not None:
            return self.app
        suffix = uuid.uuid4().hex[:8]  # users made for this check cell
        self.reader: User = await self.pg.user(f"n05_reader_{suffix}")
        self.other: User = await self.pg.user(f"n05_other_{suffix}")
        self.idle: User = await self.pg.user(f"n05_idle_{suffix}")
        await self.pg.sql(
            "UPDATE auth_user SET is_active = false WHERE username = :name",
            name=f"n05_idle_{suffix}",
        )
        CallerProfile = Annotated[Any, Depends(self.caller_profile)]

        async def profile_summary(profile: CallerProfile) -> str | None:
            return getattr(profile, "display_name", None)

        app = probes.side_app(self.pg)

        @app.get(PATH)
        async def me(
            profile: CallerProfile,
            summary: Annotated[str | None, Depends(profile_summary)],
        ) -> dict[str, str | None]:
            profile_id = getattr(profile, "id", None)
            return {"profile_id": str(profile_id) if profile_id else None, "summary": summary}

        self.app = app
        return app

    async def measure(self, who: str) -> probes.Measured:
        app = await self.setup()
        user: User = getattr(self, who)
        async with probes.client(app) as client:
            return await probes.measure(self.pg, client, PATH, user.headers)

    async def profile_id(self, who: str = "reader") -> str:
        app = await self.setup()
        user: User = getattr(self, who)
        async with probes.client(app) as client:
            with self.pg.count_sql() as sql:
                response = await client.get(PATH, headers=user.headers)
        assert response.status_code == 200, f"expected 200, got {response.status_code}"
        profile_id: str | None = response.json()["profile_id"]
        if profile_id is None:
            by_own_id = any("WHERE profile.id = " in statement for statement in sql.statements)
            raise AssertionError(
                "your dependency returned None: a profile's own id is not its user's id; find it "
                "by its user_id (profiles_service.get_by_user_id)"
                if by_own_id
                else "your dependency returned None for a user made for this check: find the "
                "caller's profile by the caller's user_id, not by a user you know"
            )
        return profile_id


def caller_profile(pg: Playground, dependency: Dependency) -> list[Check]:
    """Checks for ``caller_profile`` behind ``GET /me/profile``, which uses it in two places."""
    stage = _Stage(pg, dependency)

    async def own_profile() -> None:
        answered(dependency)
        for who in ("reader", "other"):
            got = await stage.profile_id(who)
            expected = str(getattr(stage, who).profile_id)
            assert got == expected, "that is not the caller's profile"

    async def one_decode_two_selects() -> None:
        answered(dependency)
        measured = await stage.measure("reader")
        assert measured.decodes == 1, (
            f"the token was decoded {measured.decodes} times: use what the chain gave you, "
            "cached (no second decode, no use_cache=False)"
        )
        tables = [s.split(" FROM ", 1)[1].split()[0] for s in measured.statements]
        assert tables.count("auth_user") <= 1, (
            f"the request read {tables}: the user twice; the chain's ActiveUser has read it "
            "already, so take the caller from it instead of reading it again on the token"
        )
        assert tables == ["auth_user", "profile"], f"the request read {tables}"
        assert " WHERE " in measured.statements[1], (
            "your profile query has no WHERE: it read every profile; ask for the caller's"
        )

    async def inactive() -> None:
        answered(dependency)
        measured = await stage.measure("idle")
        assert measured.status == 403, f"expected 403, got {measured.status}"

    selects = Check(
        "one JWT decode and two SELECTs: auth_user once (the chain), profile once (you)",
        "take the caller from auth_dependencies.ActiveUser and read only the profile: "
        "profiles_service.get_by_user_id(session=..., user_id=...)",
        one_decode_two_selects,
    )
    return [
        Check(
            "the caller's own profile (two callers)",
            "query the profile by user.user_id",
            own_profile,
        ),
        selects,
        Check(  # a link on the bare token that reads the user again fails the SELECTs first
            "an inactive user: 403",
            "build on auth_dependencies.ActiveUser, not TokenData",
            inactive,
            needs=selects,
        ),
    ]
