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
from collections.abc import AsyncIterator, Awaitable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from fastapi import Depends, Request

from playground.aws import utils
from playground.aws.config import AwsConfig
from playground.aws.exceptions import StorageUnavailable
from playground.aws.schemas import ListedObject, PresignedUrl, StoredObject

if TYPE_CHECKING:
    from aiobotocore.session import AioSession

logger = logging.getLogger(__name__)

T = TypeVar("T")
DELETE_BATCH = 1000  # the most keys S3 deletes in one request
_session: "AioSession | None" = None


class _Absent(Exception):
    """S3 answered that what was asked for is not there (or no longer as it was)."""


def _expires_at(seconds: int) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


def _aio_session() -> "AioSession":
    """This process's botocore session: clients made from it share the parsed service model."""
    global _session
    if _session is None:
        from aiobotocore.session import get_session

        _session = get_session()
    return _session


class S3Storage:
    """Presigned URLs for the client's own uploads and downloads, and what S3 holds: look,
    copy, delete, list (each call bounded, S3 down a 503)."""

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

    async def _call(
        self, operation: str, call: Awaitable[T], *, absent: frozenset[int] = frozenset()
    ) -> T:
        """Await an SDK call within the configured bound. An error answer whose status is in
        ``absent`` raises ``_Absent``; S3 down, slow, or any other error is a 503."""
        # Loaded with the client, not with the app.
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            async with asyncio.timeout(self._config.CALL_TIMEOUT_SECONDS):
                return await call
        except (TimeoutError, BotoCoreError) as exc:
            logger.warning("S3 %s failed: %s", operation, type(exc).__name__)
        except ClientError as exc:
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if status in absent:
                raise _Absent() from None
            logger.warning("S3 %s answered %s", operation, status)
        raise StorageUnavailable()

    async def presign_upload(self, *, key: str, content_type: str, size: int) -> PresignedUrl:
        """A form POST that stores exactly ``size`` bytes of this type under ``key``, until
        ``UPLOAD_EXPIRES_SECONDS`` (signed here: no request to S3). The limits are in the
        form's policy, signed with the secret key, and S3 checks them before it stores a byte.
        (A presigned PUT signs no length: it stores 20 MiB under a URL issued for 6 bytes.)"""
        client = await self._s3()
        expires_in = self._config.UPLOAD_EXPIRES_SECONDS
        post = await client.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", size, size]],
            ExpiresIn=expires_in,
        )
        url, fields, expires_at = post["url"], post["fields"], _expires_at(expires_in)
        return PresignedUrl(
            url=url, method="POST", headers={}, fields=fields, expires_at=expires_at
        )

    async def presign_download(self, *, key: str, filename: str) -> PresignedUrl:
        """A GET URL for the object under ``key``, for ``DOWNLOAD_EXPIRES_SECONDS``: S3 answers
        it ``Content-Disposition: attachment`` under ``filename`` (saved, never shown inline).
        Signed locally: no request goes to S3."""
        client = await self._s3()
        expires_in = self._config.DOWNLOAD_EXPIRES_SECONDS
        params = {
            "Bucket": self.bucket,
            "Key": key,
            "ResponseContentDisposition": utils.content_disposition(filename),
        }
        url: str = await client.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=expires_in
        )
        return PresignedUrl(url=url, method="GET", headers={}, expires_at=_expires_at(expires_in))

    async def stat(self, *, key: str) -> StoredObject | None:
        """What S3 holds under ``key`` (a real HEAD request), or ``None`` if nothing."""
        client = await self._s3()
        heading = client.head_object(Bucket=self.bucket, Key=key)
        try:
            head = await self._call("head_object", heading, absent=frozenset({404}))
        except _Absent:
            return None
        return StoredObject(
            size=head["ContentLength"], content_type=head.get("ContentType"), etag=head["ETag"]
        )

    async def copy(self, *, source: str, destination: str, etag: str) -> bool:
        """Copy ``source`` to ``destination`` (in S3: no byte passes through the app) if it is
        still the object with this ETag; ``False``, and nothing under ``destination``, if it is
        gone or was replaced. S3 checks ``CopySourceIfMatch``; the copy's ETag is compared too,
        for S3-compatible servers that ignore it."""
        client = await self._s3()
        copying = client.copy_object(
            Bucket=self.bucket,
            Key=destination,
            CopySource={"Bucket": self.bucket, "Key": source},
            CopySourceIfMatch=etag,
        )
        try:  # 404: no such key; 412: the precondition failed
            copied = await self._call("copy_object", copying, absent=frozenset({404, 412}))
        except _Absent:
            return False
        if copied["CopyObjectResult"]["ETag"] != etag:
            await self.delete(keys=[destination])
            return False
        return True

    async def delete(self, *, keys: Sequence[str]) -> None:
        """Delete these objects, a thousand per request (a key with no object is no error)."""
        client = await self._s3()
        for start in range(0, len(keys), DELETE_BATCH):
            batch = [{"Key": key} for key in keys[start : start + DELETE_BATCH]]
            deleting = client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True}
            )
            answer = await self._call("delete_objects", deleting)
            if errors := answer.get("Errors"):
                logger.warning("S3 delete_objects left %d objects: %s", len(errors), errors[0])
                raise StorageUnavailable()

    async def list_objects(
        self, *, prefix: str, page_size: int = 1000
    ) -> AsyncIterator[list[ListedObject]]:
        """The objects whose key starts with ``prefix``, a page (S3 sends at most a thousand)
        at a time. The caller may delete a page's objects before it asks for the next."""
        client = await self._s3()
        token: dict[str, str] = {}
        while True:
            listing = client.list_objects_v2(
                Bucket=self.bucket, Prefix=prefix, MaxKeys=page_size, **token
            )
            page = await self._call("list_objects_v2", listing)
            yield [
                ListedObject(key=item["Key"], size=item["Size"], last_modified=item["LastModified"])
                for item in page.get("Contents", [])
            ]
            if not page.get("IsTruncated"):
                return
            token = {"ContinuationToken": page["NextContinuationToken"]}

    async def ensure_bucket(self) -> None:
        """Create the bucket if it is missing (local servers start empty)."""
        client = await self._s3()
        heading = client.head_bucket(Bucket=self.bucket)
        try:
            await self._call("head_bucket", heading, absent=frozenset({403, 404}))
        except _Absent:
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
