import logging
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import course
from playground.aws.client import S3Storage
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


async def _put(upload: dict[str, Any], content: bytes) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.put(upload["url"], content=content, headers=upload["headers"])
    assert response.status_code == 200, response.text


async def test_upload_straight_to_s3_then_complete_then_download(pg_s3: course.Playground) -> None:
    pg = pg_s3
    ada = await pg.user("ada")
    post = await create_post(pg, ada)
    started = await _start_upload(pg, ada, post)
    assert started.status_code == 201, started.text
    body = started.json()
    assert body["attachment"]["status"] == "pending"
    assert body["upload"]["method"] == "PUT"
    assert not body["upload"]["url"].startswith(course.BASE_URL)  # not through the app
    assert (await pg.client.get(f"/posts/{post['id']}/attachments")).json()["items"] == []
    await _put(body["upload"], b"hello")
    attachment_id = body["attachment"]["id"]
    done = await pg.client.post(
        f"/posts/{post['id']}/attachments/{attachment_id}/complete", headers=ada.headers
    )
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["uploaded_at"] is not None) == ("uploaded", True)
    [listed] = (await pg.client.get(f"/posts/{post['id']}/attachments")).json()["items"]
    assert (listed["id"], listed["filename"], listed["size"]) == (attachment_id, "notes.txt", 5)
    async with httpx.AsyncClient() as client:
        assert (await client.get(listed["download"]["url"])).content == b"hello"


async def test_complete_before_the_upload_is_409(pg_s3: course.Playground) -> None:
    ada = await pg_s3.user("ada")
    post = await create_post(pg_s3, ada)
    attachment = (await _start_upload(pg_s3, ada, post)).json()["attachment"]
    response = await pg_s3.client.post(
        f"/posts/{post['id']}/attachments/{attachment['id']}/complete", headers=ada.headers
    )
    assert_error(response, 409, "ATTACHMENT_NOT_UPLOADED")


async def test_complete_with_a_different_size_is_409(pg_s3: course.Playground) -> None:
    ada = await pg_s3.user("ada")
    post = await create_post(pg_s3, ada)
    body = (await _start_upload(pg_s3, ada, post)).json()
    await _put(body["upload"], b"hi")  # 2 bytes, 5 declared
    response = await pg_s3.client.post(
        f"/posts/{post['id']}/attachments/{body['attachment']['id']}/complete",
        headers=ada.headers,
    )
    assert_error(response, 409, "ATTACHMENT_NOT_UPLOADED")


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

    async def counted(self: S3Storage, *, key: str) -> Any:
        signed.append(key)
        return await presign(self, key=key)

    monkeypatch.setattr(S3Storage, "presign_download", counted)
    page = (await pg.client.get(f"/posts/{post['id']}/attachments?limit=2")).json()
    assert (page["total"], page["limit"], len(page["items"]), len(signed)) == (3, 2, 2, 2)
    rest = (await pg.client.get(f"/posts/{post['id']}/attachments?limit=2&offset=2")).json()
    names = [item["filename"] for item in page["items"] + rest["items"]]
    assert sorted(names) == ["f0.txt", "f1.txt", "f2.txt"]
    too_many = await pg.client.get(f"/posts/{post['id']}/attachments?limit=101")
    assert too_many.status_code == 422
