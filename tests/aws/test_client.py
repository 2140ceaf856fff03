"""The S3 client against a real S3-compatible server on loopback (moto's server mode)."""

import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from course import local_s3 as s3
from course.labs import n23_sigv4 as sigv4
from playground.aws import client as client_module
from playground.aws.client import S3Storage, open_storage
from playground.aws.config import DEV_ACCESS_KEY_ID, AwsConfig
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


async def _upload(storage: S3Storage, key: str, content: bytes, **fields: str) -> httpx.Response:
    """POST ``content`` with the form the storage signed for exactly its size (or ``fields``
    changed), as a client does."""
    upload = await storage.presign_upload(key=key, content_type="text/plain", size=len(content))
    async with httpx.AsyncClient() as client:
        return await client.post(
            upload.url, data={**upload.fields, **fields}, files={"file": ("f", content)}
        )


async def test_a_presigned_upload_stores_the_bytes_and_a_download_returns_them_as_a_file(
    storage: S3Storage,
) -> None:
    assert (await _upload(storage, "a/b.txt", b"hello")).status_code == 204
    stored = await storage.stat(key="a/b.txt")
    assert stored is not None and (stored.size, stored.content_type) == (5, "text/plain")
    download = await storage.presign_download(key="a/b.txt", filename="notes.txt")
    async with httpx.AsyncClient() as client:
        got = await client.get(download.url)
    assert got.content == b"hello"
    assert got.headers["content-disposition"] == (
        "attachment; filename=\"notes.txt\"; filename*=UTF-8''notes.txt"
    )


async def test_stat_of_a_missing_object_is_none(storage: S3Storage) -> None:
    assert await storage.stat(key="nothing/here") is None


async def test_the_upload_form_is_a_policy_signed_for_one_size_type_key_and_expiry() -> None:
    """What real S3 enforces and moto does not: the policy's conditions, under a signature
    recomputed here from the secret key (the SigV4 chain), so S3 accepts no other policy."""
    config = _config(s3.NOWHERE, UPLOAD_EXPIRES_SECONDS=60)
    async with open_storage(config) as storage:
        upload = await storage.presign_upload(key="up/k.txt", content_type="text/plain", size=6)
    assert (upload.method, upload.headers) == ("POST", {})
    assert upload.url.endswith(f"/{config.BUCKET}")
    fields = upload.fields
    conditions = sigv4.policy(fields)["conditions"]
    assert sigv4.length_ranges(conditions) == [(6, 6)]  # 6 bytes, not one more or less
    equal = sigv4.equality_conditions(conditions)
    assert equal["content-type"] == fields["Content-Type"] == "text/plain"
    assert equal["key"] == fields["key"] == "up/k.txt"
    assert equal["bucket"] == config.BUCKET
    assert equal["x-amz-algorithm"] == fields["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    assert equal["x-amz-credential"] == fields["x-amz-credential"]
    # Every field the form sends is bound by a condition (S3 refuses an unbound one).
    assert {name.lower() for name in fields} - {"policy", "x-amz-signature"} <= set(equal)
    expires = sigv4.expiration(fields)
    assert 50 < expires.timestamp() - time.time() <= 60
    assert abs(expires.timestamp() - upload.expires_at.timestamp()) < 2
    access_key, date, region, service, _ = fields["x-amz-credential"].split("/")
    assert (access_key, region, service) == (DEV_ACCESS_KEY_ID, config.REGION, "s3")
    assert date == fields["x-amz-date"][:8]
    secret = config.SECRET_ACCESS_KEY.get_secret_value()
    assert sigv4.post_signature(fields, secret=secret) == fields["x-amz-signature"]


async def test_a_download_url_carries_its_expiry_and_the_disposition_it_signs() -> None:
    async with open_storage(_config(s3.NOWHERE, DOWNLOAD_EXPIRES_SECONDS=60)) as storage:
        download = await storage.presign_download(key="k", filename="a b.txt")
    query = parse_qs(urlsplit(download.url).query)
    assert query["X-Amz-Expires"] == ["60"]
    assert query["response-content-disposition"] == [
        "attachment; filename=\"a b.txt\"; filename*=UTF-8''a%20b.txt"
    ]  # in the signed query: a client cannot change it
    remaining = download.expires_at.timestamp() - time.time()
    assert 50 < remaining <= 60


async def test_copy_copies_the_checked_object_and_no_other(storage: S3Storage) -> None:
    assert (await _upload(storage, "up/a", b"first")).status_code == 204
    checked = await storage.stat(key="up/a")
    assert checked is not None and checked.etag is not None
    assert await storage.copy(source="up/a", destination="done/a", etag=checked.etag)
    copied = await storage.stat(key="done/a")
    assert copied is not None and (copied.size, copied.etag) == (5, checked.etag)
    # Replaced after the check (same size): the copy is refused and nothing is left behind.
    assert (await _upload(storage, "up/a", b"other")).status_code == 204
    assert not await storage.copy(source="up/a", destination="done/b", etag=checked.etag)
    assert await storage.stat(key="done/b") is None
    assert not await storage.copy(source="up/missing", destination="done/c", etag=checked.etag)
    assert await storage.stat(key="done/c") is None


async def test_delete_and_list_go_a_batch_and_a_page_at_a_time(
    storage: S3Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = [f"p/{n}" for n in range(5)]
    for key in [*keys, "q/0"]:
        assert (await _upload(storage, key, b"x")).status_code == 204
    pages = [
        [item.key for item in page] async for page in storage.list_objects(prefix="p/", page_size=2)
    ]
    assert pages == [keys[:2], keys[2:4], keys[4:]]
    monkeypatch.setattr(client_module, "DELETE_BATCH", 2)
    await storage.delete(keys=[*keys, "p/never-stored"])  # nothing to delete is no error
    assert [page async for page in storage.list_objects(prefix="p/")] == [[]]
    assert await storage.stat(key="q/0") is not None  # only what was named


@pytest.mark.parametrize("operation", ["stat", "copy", "delete", "list"])
async def test_every_call_to_a_stopped_s3_is_storage_unavailable_within_the_bound(
    operation: str,
) -> None:
    config = _config(s3.NOWHERE, CALL_TIMEOUT_SECONDS=2)
    calls: dict[str, Callable[[S3Storage], Awaitable[object]]] = {
        "stat": lambda storage: storage.stat(key="k"),
        "copy": lambda storage: storage.copy(source="a", destination="b", etag='"e"'),
        "delete": lambda storage: storage.delete(keys=["k"]),
        "list": lambda storage: anext(aiter(storage.list_objects(prefix="p/"))),
    }
    async with open_storage(config) as storage:
        started = time.perf_counter()
        with pytest.raises(StorageUnavailable):
            await calls[operation](storage)
    assert time.perf_counter() - started < 2 + 1


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
