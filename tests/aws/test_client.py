"""The S3 client against a real S3-compatible server on loopback (moto's server mode)."""

import time
import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from course import local_s3 as s3
from playground.aws.client import S3Storage, open_storage
from playground.aws.config import AwsConfig
from playground.aws.exceptions import StorageUnavailable


def _config(endpoint_url: str, **overrides: Any) -> AwsConfig:
    return AwsConfig(
        _env_file=None,
        ENDPOINT_URL=endpoint_url,
        BUCKET=f"test-{uuid.uuid4().hex[:12]}",
        **overrides,
    )


@pytest.fixture
async def storage() -> AsyncIterator[S3Storage]:
    async with open_storage(_config(s3.shared().endpoint_url)) as opened:
        await opened.ensure_bucket()
        yield opened


async def _put(storage: S3Storage, key: str, content: bytes) -> httpx.Response:
    upload = await storage.presign_upload(key=key, content_type="text/plain")
    async with httpx.AsyncClient() as client:
        return await client.put(upload.url, content=content, headers=upload.headers)


async def test_a_presigned_upload_stores_the_bytes_and_a_download_returns_them(
    storage: S3Storage,
) -> None:
    assert (await _put(storage, "a/b.txt", b"hello")).status_code == 200
    stored = await storage.stat(key="a/b.txt")
    assert stored is not None and (stored.size, stored.content_type) == (5, "text/plain")
    download = await storage.presign_download(key="a/b.txt")
    async with httpx.AsyncClient() as client:
        assert (await client.get(download.url)).content == b"hello"


async def test_stat_of_a_missing_object_is_none(storage: S3Storage) -> None:
    assert await storage.stat(key="nothing/here") is None


async def test_presigned_urls_carry_the_configured_expiry() -> None:
    async with open_storage(_config(s3.NOWHERE, PRESIGN_EXPIRES_SECONDS=60)) as storage:
        upload = await storage.presign_upload(key="k", content_type="text/plain")
    query = parse_qs(urlsplit(upload.url).query)
    assert query["X-Amz-Expires"] == ["60"]
    assert query["X-Amz-SignedHeaders"] == ["content-type;host"]  # the type is signed
    remaining = upload.expires_at.timestamp() - time.time()
    assert 50 < remaining <= 60


async def test_s3_down_is_storage_unavailable_within_the_bound() -> None:
    server = s3.LocalS3()
    server.start()
    config = _config(server.endpoint_url, CALL_TIMEOUT_SECONDS=2)
    async with open_storage(config) as storage:
        await storage.ensure_bucket()
        assert await storage.stat(key="k") is None
        server.stop()  # mid-run
        started = time.perf_counter()
        with pytest.raises(StorageUnavailable):
            await storage.stat(key="k")
    assert time.perf_counter() - started < 2 + 1


async def test_s3_slow_is_storage_unavailable_after_the_call_timeout() -> None:
    proxy = s3.DelayingProxy(upstream_port=s3.shared().port, delay=3)
    await proxy.start()
    try:
        config = _config(proxy.endpoint_url, READ_TIMEOUT_SECONDS=0.5, CALL_TIMEOUT_SECONDS=1)
        async with open_storage(config) as storage:
            started = time.perf_counter()
            with pytest.raises(StorageUnavailable):
                await storage.stat(key="k")
            waited = time.perf_counter() - started
    finally:
        await proxy.stop()
    assert 0.4 < waited < 1 + 0.5
