import logging
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import course
from course.labs import n23_sigv4 as sigv4
from playground.aws.client import S3Storage, open_storage
from tests.helpers import assert_error, assert_validation_error, create_post

FILE = {"filename": "notes.txt", "content_type": "text/plain", "size": 5}


@pytest.fixture
async def pg_s3() -> AsyncIterator[course.Playground]:
    async with await course.start(s3=True) as playground:
        yield playground


async def _start_upload(
    pg: course.Playground, user: course.User, post: dict[str, Any], **fields: Any
) -> httpx.Response:
    return await pg.client.post(
        f"/posts/{post['id']}/attachments", json={**FILE, **fields}, headers=user.headers
    )


async def _send(upload: dict[str, Any], content: bytes, **fields: str) -> httpx.Response:
    """The client's upload: the signed form's fields (or some changed), then the file."""
    async with httpx.AsyncClient() as client:
        return await client.post(
            upload["url"], data={**upload["fields"], **fields}, files={"file": ("f", content)}
        )


async def _complete(
    pg: course.Playground, user: course.User, post: dict[str, Any], attachment_id: str
) -> httpx.Response:
    return await pg.client.post(
        f"/posts/{post['id']}/attachments/{attachment_id}/complete", headers=user.headers
    )


async def _download(url: str) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.get(url)


async def _keys(pg: course.Playground) -> list[str]:
    """Every key in the playground's bucket."""
    async with open_storage(pg.aws_config) as storage:
        return [item.key async for page in storage.list_objects(prefix="") for item in page]


async def test_upload_straight_to_s3_then_complete_then_download_as_a_file(
    pg_s3: course.Playground,
) -> None:
    pg = pg_s3
    ada = await pg.user("ada")
    post = await create_post(pg, ada)
    started = await _start_upload(pg, ada, post, filename="résumé 1.txt")
    assert started.status_code == 201, started.text
    body = started.json()
    assert body["attachment"]["status"] == "pending"
    assert body["upload"]["method"] == "POST"
    assert not body["upload"]["url"].startswith(course.BASE_URL)  # not through the app
    assert (await pg.client.get(f"/posts/{post['id']}/attachments")).json()["items"] == []
    assert (await _send(body["upload"], b"hello")).status_code == 204
    attachment_id = body["attachment"]["id"]
    done = await _complete(pg, ada, post, attachment_id)
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["uploaded_at"] is not None) == ("uploaded", True)
    [listed] = (await pg.client.get(f"/posts/{post['id']}/attachments")).json()["items"]
    assert (listed["id"], listed["filename"], listed["size"]) == (attachment_id, "résumé 1.txt", 5)
    got = await _download(listed["download"]["url"])
    assert got.content == b"hello"
    assert got.headers["content-disposition"] == (
        "attachment; filename=\"r_sum_ 1.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9%201.txt"
    )
    # The upload was moved: one object, where downloads read, and none where uploads land.
    [key] = await _keys(pg)
    assert key.startswith(f"post-attachments/{post['id']}/{attachment_id}/")


async def test_the_upload_form_allows_only_the_declared_size_and_type(
    pg_s3: course.Playground,
) -> None:
    """The form S3 receives carries its limits in a policy signed with the app's secret key
    (moto does not check it, real S3 does: the signature is recomputed here)."""
    pg = pg_s3
    ada = await pg.user("ada")
    post = await create_post(pg, ada)
    upload = (await _start_upload(pg, ada, post, size=6)).json()["upload"]
    fields = upload["fields"]
    conditions = sigv4.policy(fields)["conditions"]
    assert sigv4.length_ranges(conditions) == [(6, 6)]
    equal = sigv4.equality_conditions(conditions)
    assert (equal["content-type"], equal["bucket"]) == ("text/plain", pg.aws_config.BUCKET)
    assert equal["key"] == fields["key"] and fields["key"].startswith(f"post-uploads/{post['id']}/")
    secret = pg.aws_config.SECRET_ACCESS_KEY.get_secret_value()
    assert sigv4.post_signature(fields, secret=secret) == fields["x-amz-signature"]
    expires_in = sigv4.expiration(fields).timestamp() - time.time()
    assert (
        pg.aws_config.UPLOAD_EXPIRES_SECONDS - 10
        < expires_in
        <= pg.aws_config.UPLOAD_EXPIRES_SECONDS
    )


async def test_complete_before_the_upload_is_409(pg_s3: course.Playground) -> None:
    ada = await pg_s3.user("ada")
    post = await create_post(pg_s3, ada)
    attachment = (await _start_upload(pg_s3, ada, post)).json()["attachment"]
    response = await _complete(pg_s3, ada, post, attachment["id"])
    assert_error(response, 409, "ATTACHMENT_NOT_UPLOADED")


@pytest.mark.parametrize(
    ("content", "fields"),
    [
        (b"x" * 20 * 1024 * 1024, {}),  # 20 MiB, 6 declared: moto stores it, real S3 would not
        (b"hi", {}),
        (b"hello!", {"Content-Type": "application/pdf"}),  # another type than declared
    ],
    ids=["20 MiB", "2 bytes", "another type"],
)
async def test_complete_deletes_a_file_that_fails_its_checks(
    pg_s3: course.Playground, content: bytes, fields: dict[str, str]
) -> None:
    pg = pg_s3
    ada = await pg.user("ada")
    post = await create_post(pg, ada)
    body = (await _start_upload(pg, ada, post, size=6)).json()
    assert (await _send(body["upload"], content, **fields)).status_code == 204
    assert await _keys(pg) == [body["upload"]["fields"]["key"]]
    response = await _complete(pg, ada, post, body["attachment"]["id"])
    assert_error(response, 409, "ATTACHMENT_REJECTED")
    assert await _keys(pg) == []  # gone, not left in the bucket
    assert (await pg.client.get(f"/posts/{post['id']}/attachments")).json()["items"] == []
    # The attachment is still pending: a right upload with the same form completes it.
    assert (await _send(body["upload"], b"hello!")).status_code == 204
    assert (await _complete(pg, ada, post, body["attachment"]["id"])).status_code == 200


async def test_the_upload_url_changes_nothing_once_the_attachment_is_complete(
    pg_s3: course.Playground,
) -> None:
    pg = pg_s3
    ada = await pg.user("ada")
    post = await create_post(pg, ada)
    body = (await _start_upload(pg, ada, post, size=6)).json()
    attachment_id = body["attachment"]["id"]
    assert (await _send(body["upload"], b"small!")).status_code == 204
    assert (await _complete(pg, ada, post, attachment_id)).status_code == 200
    # The same form again, within its expiry, with 20 MiB (real S3 would refuse the size).
    assert (await _send(body["upload"], b"x" * 20 * 1024 * 1024)).status_code == 204
    again = await _complete(pg, ada, post, attachment_id)
    assert again.status_code == 200 and again.json()["size"] == 6
    [listed] = (await pg.client.get(f"/posts/{post['id']}/attachments")).json()["items"]
    got = await _download(listed["download"]["url"])
    assert (listed["size"], got.content) == (6, b"small!")  # what the app says is what it serves


@pytest.mark.parametrize(
    ("fields", "loc", "kind"),
    [
        ({"content_type": "application/x-msdownload"}, ["body", "content_type"], "value_error"),
        ({"size": 0}, ["body", "size"], "greater_than_equal"),
        ({"size": 10 * 1024 * 1024 + 1}, ["body", "size"], "less_than_equal"),
        ({"filename": ""}, ["body", "filename"], "string_too_short"),
    ],
)
async def test_bad_attachment_fields_are_422(
    pg: course.Playground, fields: dict[str, Any], loc: list[str], kind: str
) -> None:
    ada = await pg.user("ada")
    post = await create_post(pg, ada)
    assert_validation_error(await _start_upload(pg, ada, post, **fields), (loc, kind))


async def test_only_the_owner_may_attach_or_complete(pg: course.Playground) -> None:
    ada, bob = await pg.user("ada"), await pg.user("bob")
    post = await create_post(pg, ada)
    assert_error(await _start_upload(pg, bob, post), 403, "USER_NOT_OWNER")
    attachment = (await _start_upload(pg, ada, post)).json()["attachment"]
    response = await pg.client.post(
        f"/posts/{post['id']}/attachments/{attachment['id']}/complete", headers=bob.headers
    )
    assert_error(response, 403, "USER_NOT_OWNER")


async def test_unknown_post_and_attachment_are_404(pg: course.Playground) -> None:
    ada = await pg.user("ada")
    post = await create_post(pg, ada)
    missing = f"/posts/{uuid.uuid4()}/attachments"
    assert_error(await pg.client.get(missing), 404, "POST_NOT_FOUND")
    response = await pg.client.post(
        f"/posts/{post['id']}/attachments/{uuid.uuid4()}/complete", headers=ada.headers
    )
    assert_error(response, 404, "ATTACHMENT_NOT_FOUND")


async def test_storage_down_is_503_in_the_one_error_shape_without_a_traceback(
    pg: course.Playground, caplog: pytest.LogCaptureFixture
) -> None:
    # ``pg`` has no S3 server: its endpoint is a loopback port where nothing listens.
    ada = await pg.user("ada")
    post = await create_post(pg, ada)
    attachment = (await _start_upload(pg, ada, post)).json()["attachment"]  # signing is local
    with caplog.at_level(logging.WARNING):
        response = await pg.client.post(
            f"/posts/{post['id']}/attachments/{attachment['id']}/complete", headers=ada.headers
        )
    assert_error(response, 503, "STORAGE_UNAVAILABLE")
    assert not [record for record in caplog.records if record.exc_info]
    assert any("S3 head_object failed" in record.getMessage() for record in caplog.records)


async def test_the_list_is_a_page_and_signs_only_its_urls(
    pg_s3: course.Playground, monkeypatch: pytest.MonkeyPatch
) -> None:
    pg = pg_s3
    ada = await pg.user("ada")
    post = await create_post(pg, ada)
    for n in range(3):
        assert (await _start_upload(pg, ada, post, filename=f"f{n}.txt")).status_code == 201
    await pg.sql("UPDATE post_attachment SET status = 'uploaded', uploaded_at = created_at")
    signed: list[str] = []
    presign = S3Storage.presign_download

    async def counted(self: S3Storage, *, key: str, filename: str) -> Any:
        signed.append(key)
        return await presign(self, key=key, filename=filename)

    monkeypatch.setattr(S3Storage, "presign_download", counted)
    page = (await pg.client.get(f"/posts/{post['id']}/attachments?limit=2")).json()
    assert (page["total"], page["limit"], len(page["items"]), len(signed)) == (3, 2, 2, 2)
    rest = (await pg.client.get(f"/posts/{post['id']}/attachments?limit=2&offset=2")).json()
    names = [item["filename"] for item in page["items"] + rest["items"]]
    assert sorted(names) == ["f0.txt", "f1.txt", "f2.txt"]
    too_many = await pg.client.get(f"/posts/{post['id']}/attachments?limit=101")
    assert too_many.status_code == 422
