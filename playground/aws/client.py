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


def _status(exc: Exception) -> int | None:
    """The HTTP status of S3's error answer (a botocore ``ClientError``)."""
    response = getattr(exc, "response", {})
    status: int | None = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return status


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

    async def _call(self, operation: str, call: Awaitable[T]) -> T:
        """Await an SDK call within the configured bound; S3 down or slow is a 503."""
        from botocore.exceptions import BotoCoreError  # loaded with the client, not the app

        try:
            async with asyncio.timeout(self._config.CALL_TIMEOUT_SECONDS):
                return await call
        except (TimeoutError, BotoCoreError) as exc:
            logger.warning("S3 %s failed: %s", operation, type(exc).__name__)
            raise StorageUnavailable() from None

    def _refused(self, operation: str, exc: Exception) -> StorageUnavailable:
        """S3 answered with an error the app cannot act on: logged, a 503 for the caller."""
        logger.warning("S3 %s answered %s", operation, _status(exc))
        return StorageUnavailable()

    async def presign_upload(self, *, key: str, content_type: str, size: int) -> PresignedUrl:
        """A form POST that stores exactly ``size`` bytes of this type under ``key``, for
        ``UPLOAD_EXPIRES_SECONDS``. Signed locally: no request goes to S3.

        The limits are in the policy the form carries, signed with the secret key, and S3
        checks it before it stores a byte: another length (``content-length-range``), another
        type, another key, or a request after the expiry is refused. A presigned PUT signs no
        length: it would store 20 MiB under a URL issued for 6 bytes.
        """
        client = await self._s3()
        expires_in = self._config.UPLOAD_EXPIRES_SECONDS
        post = await client.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", size, size]],
            ExpiresIn=expires_in,
        )
        return PresignedUrl(
            url=post["url"],
            method="POST",
            headers={},
            fields=post["fields"],
            expires_at=_expires_at(expires_in),
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
        from botocore.exceptions import ClientError

        client = await self._s3()
        try:
            head = await self._call("head_object", client.head_object(Bucket=self.bucket, Key=key))
        except ClientError as exc:
            if _status(exc) == 404:
                return None
            raise self._refused("head_object", exc) from None
        return StoredObject(
            size=head["ContentLength"], content_type=head.get("ContentType"), etag=head["ETag"]
        )

    async def copy(self, *, source: str, destination: str, etag: str) -> bool:
        """Copy ``source`` to ``destination`` inside the bucket (S3 copies; no byte passes
        through the app), if ``source`` is still the object with this ETag. ``False`` if it is
        gone or was replaced meanwhile: then nothing is left under ``destination``.

        S3 itself refuses the copy of another object (``CopySourceIfMatch``); the copy's ETag
        is compared as well, for S3-compatible servers that ignore the condition.
        """
        from botocore.exceptions import ClientError

        client = await self._s3()
        copying = client.copy_object(
            Bucket=self.bucket,
            Key=destination,
            CopySource={"Bucket": self.bucket, "Key": source},
            CopySourceIfMatch=etag,
        )
        try:
            copied = await self._call("copy_object", copying)
        except ClientError as exc:
            if _status(exc) in {404, 412}:  # no such key; the precondition failed
                return False
            raise self._refused("copy_object", exc) from None
        if copied["CopyObjectResult"]["ETag"] != etag:
            await self.delete(keys=[destination])
            return False
        return True

    async def delete(self, *, keys: Sequence[str]) -> None:
        """Delete these objects, a thousand per request; a key with no object is no error (S3
        answers a delete of nothing as done)."""
        from botocore.exceptions import ClientError

        client = await self._s3()
        for start in range(0, len(keys), DELETE_BATCH):
            batch = [{"Key": key} for key in keys[start : start + DELETE_BATCH]]
            deleting = client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True}
            )
            try:
                answer = await self._call("delete_objects", deleting)
            except ClientError as exc:
                raise self._refused("delete_objects", exc) from None
            if errors := answer.get("Errors"):
                logger.warning("S3 delete_objects left %d objects: %s", len(errors), errors[0])
                raise StorageUnavailable()

    async def list_objects(
        self, *, prefix: str, page_size: int = 1000
    ) -> AsyncIterator[list[ListedObject]]:
        """The objects whose key starts with ``prefix``, a page (S3 sends at most a thousand)
        at a time. The caller may delete a page's objects before it asks for the next."""
        from botocore.exceptions import ClientError

        client = await self._s3()
        token: dict[str, str] = {}
        while True:
            listing = client.list_objects_v2(
                Bucket=self.bucket, Prefix=prefix, MaxKeys=page_size, **token
            )
            try:
                page = await self._call("list_objects_v2", listing)
            except ClientError as exc:
                raise self._refused("list_objects_v2", exc) from None
            yield [
                ListedObject(key=item["Key"], size=item["Size"], last_modified=item["LastModified"])
                for item in page.get("Contents", [])
            ]
            if not page.get("IsTruncated"):
                return
            token = {"ContinuationToken": page["NextContinuationToken"]}

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
