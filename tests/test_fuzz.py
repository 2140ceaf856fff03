"""Fuzz every operation of the app's own OpenAPI document with schemathesis.

Schemathesis turns ``/openapi.json`` into Hypothesis strategies, valid and invalid requests
alike, and sends them to the app in-process (its ASGI transport). Every response must not be
a server error, must carry a status code the document lists and must match the documented
body. The run is seeded and bounded: the same requests on every machine.
"""

import asyncio
import atexit
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import schemathesis
from asgi_lifespan import LifespanManager
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import select

import course
from course import local_s3 as s3
from playground import migrations
from playground.auth.config import AuthConfig
from playground.aws.config import AwsConfig
from playground.config import Environment, Settings
from playground.domains.profiles.models import Profile
from playground.main import create_app
from tests.factories import create_user

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiCase

SEED = 20261128
MAX_EXAMPLES = 50  # generated cases per operation, on top of schemathesis' coverage cases
# As ``dict[str, Any]``: mypy checks ``**`` of a ``dict[str, int]`` against every field's type.
FAST_HASHING: dict[str, Any] = course.FAST_HASHING
UNTHROTTLED: dict[str, Any] = {
    f"{action}_RATE_PER_{key}": "1000000/minute"
    for action in ("LOGIN", "REGISTER")
    for key in ("CLIENT", "USERNAME")
}

# Schemathesis reads the schema at import and builds the schema's examples at collection, the
# token included (one test per operation): the app, its database and the token exist from
# import on. The directory goes at exit, not in a fixture's teardown: under xdist a worker may
# run this module's tests in several batches. (Schemathesis ends the app's lifespan at exit
# too, disposing the engine, before this runs.)
WORKDIR = Path(tempfile.mkdtemp(prefix="playground-fuzz-"))
atexit.register(shutil.rmtree, WORKDIR, ignore_errors=True)
APP = create_app(
    Settings(
        _env_file=None,
        ENVIRONMENT=Environment.LOCAL,  # the environment that serves /openapi.json
        DATABASE_URL=f"sqlite+aiosqlite:///{WORKDIR / 'fuzz.db'}",
        PING_DELAY_SECONDS=0,
    ),
    # Thousands of generated logins and registrations from one client: the throttle would
    # answer most of them 429 (documented, so it passes) and the fuzzer would test nothing else.
    AuthConfig(_env_file=None, **FAST_HASHING, **UNTHROTTLED),
    # A real local S3: attachments answer 201/200/409, not 503 for a storage that is not there.
    AwsConfig(
        _env_file=None,
        ENDPOINT_URL=s3.shared().endpoint_url,
        BUCKET="playground-fuzz",
        CREATE_BUCKET=True,
    ),
)


async def _user(client: httpx.AsyncClient, name: str) -> tuple[str, str, str]:
    """Register and log in; returns user id, profile id and token."""
    created = await client.post(
        "/auth/users",
        json={
            "username": name,
            "email": f"{name}@example.com",
            "password": course.DEFAULT_PASSWORD,
            "first_name": name,
        },
    )
    created.raise_for_status()
    login = await client.post(
        "/auth/token", data={"username": name, "password": course.DEFAULT_PASSWORD}
    )
    login.raise_for_status()
    user_id = created.json()["id"]
    async with APP.state.sessionmaker() as session:
        profile_id = await session.scalar(
            select(Profile.id).where(Profile.user_id == uuid.UUID(user_id))
        )
    return user_id, str(profile_id), login.json()["access_token"]


async def _seed() -> tuple[str, dict[str, list[str]]]:
    """Migrate; a creator with ten posts, another user with two.

    Returns the creator's token and the ids that exist, by the path parameter they fit; five
    of the creator's posts are for ``DELETE`` alone, so that the others stay.
    """
    await migrations.upgrade(APP.state.engine)
    lifespan = LifespanManager(APP, startup_timeout=30)  # the storage lives in its state
    transport = httpx.ASGITransport(app=lifespan.app)
    client = httpx.AsyncClient(transport=transport, base_url=course.BASE_URL)
    async with lifespan, client:
        users = [await _user(client, "fuzzer"), await _user(client, "other")]
        post_ids = []
        for (_, _, token), count in zip(users, (10, 2), strict=True):
            headers = {"Authorization": f"Bearer {token}"}
            for n in range(count):
                post = await client.post(
                    "/posts", json={"title": f"post {n}", "body": "seeded"}, headers=headers
                )
                post.raise_for_status()
                post_ids.append(post.json()["id"])
        _, fuzzer_profile, fuzzer_token = users[0]
        creator = await client.patch(
            f"/profiles/{fuzzer_profile}",
            json={"is_creator": True},
            headers={"Authorization": f"Bearer {fuzzer_token}"},
        )
        creator.raise_for_status()
        attachment = await client.post(  # on one of the fuzzer's own posts, not yet uploaded
            f"/posts/{post_ids[5]}/attachments",
            json={"filename": "notes.txt", "content_type": "text/plain", "size": 5},
            headers={"Authorization": f"Bearer {fuzzer_token}"},
        )
        attachment.raise_for_status()
    # Those connections belong to this event loop; schemathesis calls the app from its own
    # loop (in a thread), where the engine opens new ones.
    await APP.state.engine.dispose()
    existing = {
        "post_id": post_ids[5:],
        "deletable_post_id": post_ids[:5],
        "user_id": [user_id for user_id, _, _ in users],
        "profile_id": [profile_id for _, profile_id, _ in users],
        "attachment_id": [attachment.json()["attachment"]["id"]],
    }
    return fuzzer_token, existing


TOKEN, EXISTING = asyncio.run(_seed())
CONFIG = schemathesis.Config.from_dict(
    {"seed": SEED, "cache": {"enabled": False}, "generation": {"mode": "all"}}
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP, config=CONFIG)


@schema.auth()
class BearerToken:
    """Every generated request carries the seeded creator's token."""

    def get(self, case: "OpenApiCase", context: schemathesis.AuthContext) -> str:
        return TOKEN

    def set(self, case: "OpenApiCase", data: str, context: schemathesis.AuthContext) -> None:
        case.headers["Authorization"] = f"Bearer {data}"


@schema.hook("flatmap_path_parameters")
def existing_ids_too(
    context: schemathesis.HookContext, path_parameters: dict[str, Any] | None
) -> st.SearchStrategy[dict[str, Any] | None]:
    """Often swap a generated id for one that exists, so the fuzzer gets past the 404s."""
    if not path_parameters:
        return st.just(path_parameters)
    deleting = context.operation is not None and context.operation.method.upper() == "DELETE"
    prefix = "deletable_" if deleting else ""
    return st.fixed_dictionaries(
        {
            name: st.sampled_from([value, *EXISTING.get(prefix + name, EXISTING.get(name, []))])
            for name, value in path_parameters.items()
        }
    )


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,  # timing belongs to other tests; a loaded CI worker must not fail this one
    database=None,  # no example database on disk: the seed alone decides the run
    suppress_health_check=[HealthCheck.too_slow],  # the same reason as the deadline
)
def test_every_operation_honours_the_openapi_document(case: "OpenApiCase") -> None:
    case.call_and_validate(
        checks=[
            schemathesis.checks.not_a_server_error,
            schemathesis.checks.status_code_conformance,
            schemathesis.checks.response_schema_conformance,
        ]
    )


# Hypothesis never generates a lone surrogate, though JSON can carry one ("\ud800") and
# Python decodes it; these two requests crashed the app (500) before it was fixed.


async def test_lone_surrogate_in_a_password_is_a_422(pg: course.Playground) -> None:
    body = b'{"username": "ada", "email": "ada@example.com", "password": "\\ud800-long-enough",'
    response = await pg.client.post(
        "/auth/users",
        content=body + b' "first_name": "Ada"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "password"]


async def test_lone_surrogate_echoed_in_a_422_is_escaped(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    response = await pg.client.post(
        "/posts",
        content=b'{"title": "\\ud800", "body": "text"}',
        headers={**ada.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["input"] == "\\ud800"
