"""Notebook 05's exercise: a dependency built on the cached chain, used twice, run once."""

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
        self.reader: User = await self.pg.user("n05_reader")
        self.idle: User = await self.pg.user("n05_idle")
        await self.pg.sql(
            "UPDATE auth_user SET is_active = false WHERE username = :name", name="n05_idle"
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

    async def profile_id(self) -> str:
        app = await self.setup()
        async with probes.client(app) as client:
            response = await client.get(PATH, headers=self.reader.headers)
        assert response.status_code == 200, f"expected 200, got {response.status_code}"
        profile_id: str = answered(response.json()["profile_id"])
        return profile_id


def caller_profile(pg: Playground, dependency: Dependency) -> list[Check]:
    """Checks for ``caller_profile`` behind ``GET /me/profile``, which uses it in two places."""
    stage = _Stage(pg, dependency)

    async def own_profile() -> None:
        got = await stage.profile_id()
        assert got == str(stage.reader.profile_id), "that is not the caller's profile"

    async def one_decode() -> None:
        await stage.profile_id()
        measured = await stage.measure("reader")
        assert measured.decodes == 1, f"the token was decoded {measured.decodes} times"

    async def two_selects() -> None:
        await stage.profile_id()
        measured = await stage.measure("reader")
        tables = [s.split(" FROM ", 1)[1].split()[0] for s in measured.statements]
        assert tables == ["auth_user", "profile"], f"the request read {tables}"

    async def inactive() -> None:
        measured = await stage.measure("idle")
        assert measured.status == 403, f"expected 403, got {measured.status}"

    return [
        Check("the caller's own profile", "query the profile by user.user_id", own_profile),
        Check(
            "one JWT decode per request",
            "take the caller from auth_dependencies.ActiveUser; don't decode the token again",
            one_decode,
        ),
        Check(
            "two SELECTs: auth_user once (the chain), profile once (you)",
            "read only the profile: profiles_service.get_by_user_id(session=..., user_id=...)",
            two_selects,
        ),
        Check(
            "an inactive user: 403",
            "build on auth_dependencies.ActiveUser, not TokenData",
            inactive,
        ),
    ]
