"""The app factory: every notebook, test and server builds its app here."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from playground import observability, readiness, syllabus, throttling
from playground.auth import utils as auth_utils
from playground.auth.config import AuthConfig, load_auth_config
from playground.auth.router import router as auth_router
from playground.aws import client as aws_client
from playground.aws.config import AwsConfig, load_aws_config
from playground.aws.exceptions import StorageUnavailable
from playground.config import Settings, load_settings
from playground.database import create_engine, create_read_sessionmaker, create_sessionmaker
from playground.domains.accounts.router import router as accounts_router
from playground.domains.creators.router import router as creators_router
from playground.domains.notifications import service as notifications_service
from playground.domains.notifications.config import (
    NotificationsConfig,
    load_notifications_config,
)
from playground.domains.notifications.constants import EmailDelivery
from playground.domains.notifications.router import router as notifications_router
from playground.domains.pings.router import router as pings_router
from playground.domains.post_attachments.router import router as post_attachments_router
from playground.domains.posts.router import router as posts_router
from playground.domains.profiles.router import router as profiles_router
from playground.exceptions import NotReady
from playground.handlers import register_exception_handlers
from playground.middleware import BodyLimit, ProcessHeader, SecurityHeaders
from playground.models import CustomModel
from playground.openapi import document_validation_errors, error_responses

logger = logging.getLogger(__name__)

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")


class Health(CustomModel):
    status: str = "ok"
    environment: str
    version: str


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
    """Set up once per app what every request shares; requests get it as ``request.state``."""
    hasher: auth_utils.PasswordHasher = app.state.password_hasher
    await run_in_threadpool(lambda: hasher.dummy_hash)  # made now, not in the first bad login
    aws_config: AwsConfig = app.state.aws_config
    # Here, where the app starts serving (and opens S3), not in ``create_app``: an app built to
    # be inspected (lesson 10's production .env) needs no S3 keys.
    aws_config.check_for(app.state.settings.ENVIRONMENT)
    async with aws_client.open_storage(aws_config) as storage:
        if aws_config.CREATE_BUCKET:
            try:
                await storage.ensure_bucket()
            except StorageUnavailable:  # start anyway: attachments answer 503 until S3 is up
                logger.warning("S3 is unavailable at start-up; bucket not checked")
        yield {"storage": storage}
    await app.state.engine.dispose()
    await run_in_threadpool(app.state.tracer_provider.shutdown)  # flushes spans to OTLP


def create_app(
    settings: Settings | None = None,
    auth_config: AuthConfig | None = None,
    aws_config: AwsConfig | None = None,
    notifications_config: NotificationsConfig | None = None,
) -> FastAPI:
    """Build an app from its settings; nothing global is mutated, so apps can coexist."""
    settings = settings or load_settings()
    auth_config = auth_config or load_auth_config()
    aws_config = aws_config or load_aws_config()
    notifications_config = notifications_config or load_notifications_config()
    auth_config.check_for(settings.ENVIRONMENT)
    docs = settings.show_docs
    app = FastAPI(
        title="FastAPI-Playground",
        version=settings.APP_VERSION,
        summary="The API every notebook of the course drives.",
        lifespan=lifespan,
        openapi_url="/openapi.json" if docs else None,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
    )
    engine = create_engine(settings.DATABASE_URL, **settings.engine_options())
    app.state.settings = settings
    app.state.auth_config = auth_config
    app.state.aws_config = aws_config
    app.state.engine = engine
    app.state.sessionmaker = create_sessionmaker(engine)
    app.state.read_sessionmaker = create_read_sessionmaker(engine)
    app.state.password_hasher = auth_utils.PasswordHasher(auth_config)
    app.state.email_sender = notifications_service.log_email
    app.state.notifications_config = notifications_config
    app.state.email_queue = None
    if notifications_config.DELIVERY is EmailDelivery.QUEUE:
        # huey (and the redis client it imports) only when emails go on the queue: 0.8 s
        from playground.domains.notifications import tasks as notifications_tasks

        app.state.email_queue = notifications_tasks.make_queue(notifications_config)

    app.state.throttle = throttling.Throttle(throttling.storage_uri(notifications_config.QUEUE_URL))
    # What GET /health/ready asks: the database, and the queue's Redis when emails go there.
    app.state.readiness_probes = {"database": readiness.database(engine)}
    if app.state.email_queue is not None and notifications_config.QUEUE_URL.startswith("redis"):
        app.state.readiness_probes["queue"] = readiness.redis(notifications_config.QUEUE_URL)

    register_exception_handlers(app)
    document_validation_errors(app)
    app.add_middleware(BodyLimit, max_body_bytes=settings.MAX_BODY_BYTES)
    if not settings.ENVIRONMENT.is_deployed:
        app.add_middleware(ProcessHeader)  # which worker answered: lesson 25 reads it
    app.add_middleware(SecurityHeaders)  # outside BodyLimit: it sees every answer
    routers = [
        auth_router,
        accounts_router,
        posts_router,
        post_attachments_router,
        profiles_router,
        creators_router,
        notifications_router,
    ]
    if settings.serves_pings:
        routers.append(pings_router)
    for router in routers:
        app.include_router(router)
    provider = observability.tracer_provider(
        service=settings.SERVICE_NAME,
        version=settings.APP_VERSION,
        otlp_endpoint=settings.OTLP_ENDPOINT,
    )
    observability.observe(
        app,
        engine=engine,
        provider=provider,
        with_metrics=settings.METRICS,
        with_tracing=settings.tracing,
    )

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index(request: Request) -> HTMLResponse:
        return TEMPLATES.TemplateResponse(
            request, "index.html", {"lessons": syllabus.LESSONS, "docs": docs}
        )

    @app.get(
        "/health",
        tags=["meta"],
        summary="Liveness",
    )
    async def health() -> Health:
        """The app is up; which environment and version. Liveness: no I/O, nothing asked."""
        return Health(environment=settings.ENVIRONMENT.value, version=settings.APP_VERSION)

    @app.get(
        "/health/ready",
        tags=["meta"],
        summary="Readiness",
        responses=error_responses(NotReady),
    )
    async def ready(request: Request) -> readiness.Readiness:
        """Ready for traffic: the database, and the queue's Redis when emails go there, each
        answered within ``READY_TIMEOUT_SECONDS``; 503 ``NOT_READY`` naming what is down."""
        return await readiness.check(request.app.state.readiness_probes)

    return app


app = create_app()
