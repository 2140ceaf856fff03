"""The S3 client the app uses to talk to the outside world.

One aiobotocore client per app, shared by every request and closed with the app's lifespan.
It owns what a good client module owns: timeouts (connect, read, and one bound on the whole
call, retries included), retries, and mapping the SDK's errors to the app's one error shape
(503 ``STORAGE_UNAVAILABLE``), so no route ever waits unbounded or answers 500 because S3 is
down. The client is made on first use, from one botocore session per process (which parses
the S3 service model once): an app that never touches S3 pays nothing for it, not even the
import of aiobotocore and botocore (0.85 s here).
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from fastapi import Depends, Request

from playground.aws.config import AwsConfig
from playground.aws.exceptions import StorageUnavailable
from playground.aws.schemas import PresignedUrl, StoredObject

if TYPE_CHECKING:
    from aiobotocore.session import AioSession

logger = logging.getLogger(__name__)

T = TypeVar("T")
_session: "AioSession | None" = None


def _aio_session() -> "AioSession":
    """This process's botocore session: clients made from it share the parsed service model."""
    global _session
    if _session is None:
        from aiobotocore.session import get_session

        _session = get_session()
    return _session


class S3Storage:
    """Presigned URLs for the client's own uploads and downloads, and what S3 holds."""

    def __init__(self, *, config: AwsConfig) -> None:
        self._config = config
        self._exit_stack = AsyncExitStack()
        self._client: Any = None
        self._opening = asyncio.Lock()

    @property
    def bucket(self) -> str:
        return self._config.BUCKET

    async def _s3(self) -> Any:
        """The aiobotocore client, made on first use (making it sends no request)."""
        async with self._opening:
            if self._client is None:
                from aiobotocore.config import AioConfig

                config = self._config
                client_config = AioConfig(
                    connect_timeout=config.CONNECT_TIMEOUT_SECONDS,
                    read_timeout=config.READ_TIMEOUT_SECONDS,
                    retries={"total_max_attempts": config.MAX_ATTEMPTS, "mode": "standard"},
                    signature_version="s3v4",
                    s3={"addressing_style": "path"},
                )
                creating = _aio_session().create_client(
                    "s3",
                    region_name=config.REGION,
                    endpoint_url=config.ENDPOINT_URL,
                    aws_access_key_id=config.ACCESS_KEY_ID.get_secret_value(),
                    aws_secret_access_key=config.SECRET_ACCESS_KEY.get_secret_value(),
                    config=client_config,
                )
                self._client = await self._exit_stack.enter_async_context(creating)
            return self._client

    async def aclose(self) -> None:
        """Close the client and its connection pool, if one was made."""
        await self._exit_stack.aclose()
        self._client = None

    async def _call(self, operation: str, call: Awaitable[T]) -> T:
        """Await an SDK call within the configured bound; S3 down or slow is a 503."""
        from botocore.exceptions import BotoCoreError  # loaded with the client, not the app

        try:
            async with asyncio.timeout(self._config.CALL_TIMEOUT_SECONDS):
                return await call
        except (TimeoutError, BotoCoreError) as exc:
            logger.warning("S3 %s failed: %s", operation, type(exc).__name__)
            raise StorageUnavailable() from None

    def _expires_at(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self._config.PRESIGN_EXPIRES_SECONDS)

    async def _presign(self, operation: str, params: dict[str, str]) -> str:
        """Sign a URL locally: no request goes to S3."""
        client = await self._s3()
        url: str = await client.generate_presigned_url(
            operation, Params=params, ExpiresIn=self._config.PRESIGN_EXPIRES_SECONDS
        )
        return url

    async def presign_upload(self, *, key: str, content_type: str) -> PresignedUrl:
        """A PUT URL that stores one object of this type under ``key``, until it expires."""
        params = {"Bucket": self.bucket, "Key": key, "ContentType": content_type}
        url = await self._presign("put_object", params)
        headers = {"Content-Type": content_type}
        return PresignedUrl(url=url, method="PUT", headers=headers, expires_at=self._expires_at())

    async def presign_download(self, *, key: str) -> PresignedUrl:
        """A GET URL for the object under ``key``, until it expires."""
        url = await self._presign("get_object", {"Bucket": self.bucket, "Key": key})
        return PresignedUrl(url=url, method="GET", headers={}, expires_at=self._expires_at())

    async def stat(self, *, key: str) -> StoredObject | None:
        """What S3 holds under ``key`` (a real HEAD request), or ``None`` if nothing."""
        from botocore.exceptions import ClientError

        client = await self._s3()
        try:
            head = await self._call("head_object", client.head_object(Bucket=self.bucket, Key=key))
        except ClientError as exc:
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if status == 404:
                return None
            logger.warning("S3 head_object answered %s", status)
            raise StorageUnavailable() from None
        return StoredObject(size=head["ContentLength"], content_type=head.get("ContentType"))

    async def ensure_bucket(self) -> None:
        """Create the bucket if it is missing (local servers start empty)."""
        from botocore.exceptions import ClientError

        client = await self._s3()
        try:
            await self._call("head_bucket", client.head_bucket(Bucket=self.bucket))
        except ClientError:
            await self._call("create_bucket", client.create_bucket(Bucket=self.bucket))


@asynccontextmanager
async def open_storage(config: AwsConfig) -> AsyncIterator[S3Storage]:
    """The app's storage for its lifetime: one client, closed on the way out."""
    storage = S3Storage(config=config)
    try:
        yield storage
    finally:
        await storage.aclose()


def get_storage(request: Request) -> S3Storage:
    """The app's S3 client, handed to each request through the lifespan state."""
    storage: S3Storage = request.state.storage
    return storage


StorageDep = Annotated[S3Storage, Depends(get_storage)]
