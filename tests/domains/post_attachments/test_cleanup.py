"""Files nobody can read leave S3: a deleted post's (after the answer: in the web process's
background, or on the queue by the worker), and, swept by the worker, uploads never
completed and files whose attachment is gone."""

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import update

import course
from course.labs.n22_worker import worker
from playground.aws.client import S3Storage, open_storage
from playground.aws.config import AwsConfig
from playground.database import utcnow
from playground.domains.notifications.config import NotificationsConfig
from playground.domains.notifications.tasks import make_queue
from playground.domains.post_attachments import service, tasks
from playground.domains.post_attachments.config import PostAttachmentsConfig
from playground.domains.post_attachments.models import PostAttachment
from tests.helpers import count, create_post, run


@pytest.fixture
async def pg_s3() -> AsyncIterator[course.Playground]:
    async with await course.start(s3=True) as playground:
        yield playground


async def _start(pg: course.Playground, user: course.User, post: dict[str, Any]) -> dict[str, Any]:
    """Start an upload and send its file, as a client does; returns the attachment and form."""
    file = {"filename": "a.txt", "content_type": "text/plain", "size": 5}
    started = await pg.client.post(
        f"/posts/{post['id']}/attachments", json=file, headers=user.headers
    )
    assert started.status_code == 201, started.text
    body: dict[str, Any] = started.json()
    await _send(body["upload"])
    return body


async def _send(form: dict[str, Any], content: bytes = b"hello") -> None:
    async with httpx.AsyncClient() as client:
        sent = await client.post(form["url"], data=form["fields"], files={"file": content})
    assert sent.status_code == 204


async def _uploaded(
    pg: course.Playground, user: course.User, post: dict[str, Any]
) -> tuple[dict[str, Any], str]:
    """An attachment uploaded and completed: its upload and its download URL."""
    body = await _start(pg, user, post)
    done = await pg.client.post(
        f"/posts/{post['id']}/attachments/{body['attachment']['id']}/complete",
        headers=user.headers,
    )
    assert done.status_code == 200, done.text
    [item] = [
        item
        for item in (await pg.client.get(f"/posts/{post['id']}/attachments")).json()["items"]
        if item["id"] == body["attachment"]["id"]
    ]
    url: str = item["download"]["url"]
    return body, url


async def _keys(config: AwsConfig) -> list[str]:
    async with open_storage(config) as storage:
        return [item.key async for page in storage.list_objects(prefix="") for item in page]


# No object under a signed URL: 404, or 403 where the signer may not list the bucket (S3's
# rule, and moto's answer).
GONE = {403, 404}


async def _status(url: str) -> int:
    async with httpx.AsyncClient() as client:
        return (await client.get(url)).status_code


async def _backdate(pg: course.Playground, attachment_id: str, *, hours: float) -> None:
    started = utcnow() - timedelta(hours=hours)
    await run(
        pg,
        update(PostAttachment)
        .where(PostAttachment.id == uuid.UUID(attachment_id))
        .values(created_at=started),
    )


async def test_deleting_a_post_removes_its_files_and_its_download_urls_stop_serving(
    pg_s3: course.Playground,
) -> None:
    pg = pg_s3
    ada = await pg.user("ada")
    post, other = await create_post(pg, ada), await create_post(pg, ada)
    _, url = await _uploaded(pg, ada, post)
    await _start(pg, ada, post)  # an upload under way: its file goes too
    _, kept_url = await _uploaded(pg, ada, other)
    assert len(await _keys(pg.aws_config)) == 3
    assert await _status(url) == 200  # issued before the delete
    deleted = await pg.client.delete(f"/posts/{post['id']}", headers=ada.headers)
    assert deleted.status_code == 204
    [left] = await _keys(pg.aws_config)
    assert left.startswith(f"post-attachments/{other['id']}/")
    assert await _status(url) in GONE  # the URL signed before the delete serves nothing now
    assert await _status(kept_url) == 200


async def test_a_delete_with_s3_down_is_204_and_a_warning_without_a_traceback(
    pg: course.Playground, caplog: pytest.LogCaptureFixture
) -> None:
    ada = await pg.user("ada")  # ``pg``: S3 at an address where nothing listens
    post = await create_post(pg, ada)
    file = {"filename": "a.txt", "content_type": "text/plain", "size": 5}
    started = await pg.client.post(
        f"/posts/{post['id']}/attachments", json=file, headers=ada.headers
    )
    assert started.status_code == 201
    with caplog.at_level(logging.WARNING):
        began = time.perf_counter()
        deleted = await pg.client.delete(f"/posts/{post['id']}", headers=ada.headers)
        waited = time.perf_counter() - began
    assert deleted.status_code == 204
    assert waited < pg.aws_config.CALL_TIMEOUT_SECONDS + 1
    assert not [record for record in caplog.records if record.exc_info]
    assert any("were not removed: S3 unavailable" in r.getMessage() for r in caplog.records)


async def test_a_post_without_attachments_is_deleted_without_asking_s3(
    pg: course.Playground, caplog: pytest.LogCaptureFixture
) -> None:
    ada = await pg.user("ada")  # ``pg``: S3 down, so any call would log a warning
    post = await create_post(pg, ada)
    with caplog.at_level(logging.WARNING):
        deleted = await pg.client.delete(f"/posts/{post['id']}", headers=ada.headers)
    assert deleted.status_code == 204
    assert [r.getMessage() for r in caplog.records if r.name.startswith("playground")] == []


async def test_the_sweep_removes_abandoned_uploads_and_files_no_attachment_reads(
    pg_s3: course.Playground,
) -> None:
    pg = pg_s3
    ada = await pg.user("ada")
    post = await create_post(pg, ada)
    completed, completed_url = await _uploaded(pg, ada, post)
    abandoned = await _start(pg, ada, post)
    await _backdate(pg, abandoned["attachment"]["id"], hours=2)
    recent = await _start(pg, ada, post)
    orphan = f"post-attachments/{uuid.uuid4()}/{uuid.uuid4()}/gone.txt"  # its post is gone
    async with open_storage(pg.aws_config) as storage:
        await _put(storage, orphan)
        before = set(await _keys(pg.aws_config))
        swept = await _sweep(pg, storage, abandoned_before=utcnow() - timedelta(hours=1))
        after = set(await _keys(pg.aws_config))
        assert (swept.abandoned, swept.files) == (1, 1)
        assert before - after == {abandoned["upload"]["fields"]["key"], orphan}
        assert recent["upload"]["fields"]["key"] in after  # under way: kept
        assert await count(pg, PostAttachment) == 2  # the completed one and the recent one

        # The completed attachment's form sent again lands where nothing reads it; older than
        # the cutoff, it goes (and the recent upload with it, abandoned by then).
        await _send(completed["upload"], b"again")
        swept = await _sweep(pg, storage, abandoned_before=utcnow() + timedelta(minutes=1))
    assert (swept.abandoned, swept.files) == (1, 1)
    [left] = await _keys(pg.aws_config)
    assert left.startswith("post-attachments/") and await count(pg, PostAttachment) == 1
    async with httpx.AsyncClient() as client:
        assert (await client.get(completed_url)).content == b"hello"


async def _put(storage: S3Storage, key: str) -> None:
    form = await storage.presign_upload(key=key, content_type="text/plain", size=5)
    await _send({"url": form.url, "fields": form.fields})


async def _sweep(
    pg: course.Playground, storage: S3Storage, *, abandoned_before: datetime
) -> service.Swept:
    return await service.sweep(
        sessionmaker=pg.app.state.sessionmaker, storage=storage, abandoned_before=abandoned_before
    )


async def _until(pg: course.Playground, expected: list[str], *, within: float = 30) -> list[str]:
    """Poll the bucket until it holds ``expected`` (the worker is another process)."""
    deadline = time.monotonic() + within
    keys = await _keys(pg.aws_config)
    while keys != expected and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        keys = await _keys(pg.aws_config)
    return keys


async def test_on_the_queue_the_worker_purges_a_deleted_post_and_sweeps(tmp_path: Path) -> None:
    async with await course.start(s3=True, notifications={"DELIVERY": "queue"}) as pg:
        queue = pg.app.state.email_queue
        ada = await pg.user("ada")
        post, other = await create_post(pg, ada), await create_post(pg, ada)
        _, url = await _uploaded(pg, ada, post)
        kept, _ = await _uploaded(pg, ada, other)
        abandoned = await _start(pg, ada, other)
        await _backdate(pg, abandoned["attachment"]["id"], hours=2)
        deleted = await pg.client.delete(f"/posts/{post['id']}", headers=ada.headers)
        assert deleted.status_code == 204
        assert queue.huey.pending_count() == 1  # the purge, for the worker
        assert len(await _keys(pg.aws_config)) == 3  # the web process removed nothing
        queue.attachments.sweep()  # one sweep now (the worker's scheduler runs it every N min)
        aws = {"PLAYGROUND_AWS_ENDPOINT_URL": str(pg.aws_config.ENDPOINT_URL)}
        aws["PLAYGROUND_AWS_BUCKET"] = pg.aws_config.BUCKET
        expected = [f"post-attachments/{kept['upload']['fields']['key'].split('/', 1)[1]}"]
        with worker(pg, **aws):
            left = await _until(pg, expected)
        assert left == expected
        assert await _status(url) in GONE
        assert await count(pg, PostAttachment) == 1  # the abandoned one went with its file


async def test_a_queue_that_is_down_does_not_fail_the_delete(
    caplog: pytest.LogCaptureFixture,
) -> None:
    down = {"DELIVERY": "queue", "QUEUE_URL": "redis://127.0.0.1:1/0"}  # nothing listens
    async with await course.start(notifications=down) as pg:
        ada = await pg.user("ada")
        post = await create_post(pg, ada)
        file = {"filename": "a.txt", "content_type": "text/plain", "size": 5}
        started = await pg.client.post(
            f"/posts/{post['id']}/attachments", json=file, headers=ada.headers
        )
        assert started.status_code == 201  # signed here: no S3 needed
        with caplog.at_level(logging.WARNING):
            deleted = await pg.client.delete(f"/posts/{post['id']}", headers=ada.headers)
    assert deleted.status_code == 204
    assert any("enqueueing the purge of post" in r.getMessage() for r in caplog.records)
    assert not [record for record in caplog.records if record.exc_info]


async def test_a_sweep_with_s3_down_is_a_warning_and_changes_nothing(
    pg: course.Playground, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    ada = await pg.user("ada")  # ``pg``: S3 at an address where nothing listens
    post = await create_post(pg, ada)
    file = {"filename": "a.txt", "content_type": "text/plain", "size": 5}
    started = await pg.client.post(
        f"/posts/{post['id']}/attachments", json=file, headers=ada.headers
    )
    await _backdate(pg, started.json()["attachment"]["id"], hours=2)
    # The worker reads its settings from the environment, as `make worker` does.
    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", pg.settings.DATABASE_URL)
    monkeypatch.setenv("PLAYGROUND_AWS_ENDPOINT_URL", str(pg.aws_config.ENDPOINT_URL))
    monkeypatch.setenv("PLAYGROUND_AWS_CALL_TIMEOUT_SECONDS", "2")
    with caplog.at_level(logging.WARNING):
        began = time.perf_counter()
        swept = await tasks._run_sweep(PostAttachmentsConfig(_env_file=None))
    assert swept is None and time.perf_counter() - began < 2 + 1
    assert "sweep skipped: S3 unavailable" in [r.getMessage() for r in caplog.records]
    assert not [record for record in caplog.records if record.exc_info]
    assert await count(pg, PostAttachment) == 1  # its file could not go: the row stays


def test_the_sweep_runs_every_configured_minutes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLAYGROUND_ATTACHMENTS_SWEEP_EVERY_MINUTES", "15")
    config = NotificationsConfig(_env_file=None, QUEUE_URL=f"sqlite:///{tmp_path / 'q.db'}")
    huey = make_queue(config).huey

    def due(minute: int) -> list[str]:
        periodic = huey.read_periodic(datetime(2026, 1, 1, 10, minute))
        return [task.name for task in periodic if task.name.startswith("post_attachments.")]

    assert (due(0), due(15), due(16), due(59)) == ([tasks.SWEEP], [tasks.SWEEP], [], [])


def test_an_upload_url_expires_before_its_upload_counts_as_abandoned() -> None:
    longest_url = AwsConfig.model_json_schema()["properties"]["UPLOAD_EXPIRES_SECONDS"]
    shortest_age = PostAttachmentsConfig.model_json_schema()["properties"]
    assert longest_url["maximum"] <= shortest_age["ABANDONED_AFTER_SECONDS"]["minimum"]
