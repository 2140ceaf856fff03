import logging
import uuid

import pytest

import course
from playground.domains.notifications.models import NotificationEmail
from tests.factories import create_user
from tests.helpers import assert_error, assert_validation_error, count, deactivate

EMAIL = {"subject": "Hello", "body": "From the background"}


async def test_queue_email_is_accepted_and_sent_in_the_background(
    pg: course.Playground,
) -> None:
    ada = await create_user(pg, "ada")
    response = await pg.client.post(f"/users/{ada.id}/email", json=EMAIL, headers=ada.headers)
    assert response.status_code == 202
    assert response.json() == {"status": "queued"}
    # ASGITransport returns only after the background task has run.
    outbox = await pg.client.get(f"/users/{ada.id}/emails", headers=ada.headers)
    assert outbox.status_code == 200
    [email] = outbox.json()["items"]
    assert set(email) == {"id", "user_id", "subject", "body", "status", "created_at", "sent_at"}
    assert (email["user_id"], email["subject"], email["body"]) == (
        str(ada.id),
        "Hello",
        "From the background",
    )
    assert email["status"] == "sent"
    assert email["sent_at"] is not None


async def test_the_sender_gets_the_queued_email(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    sent: list[dict[str, object]] = []

    async def recording_sender(*, user_id: uuid.UUID, subject: str, body: str) -> None:
        sent.append({"user_id": user_id, "subject": subject, "body": body})

    pg.app.state.email_sender = recording_sender
    await pg.client.post(f"/users/{ada.id}/email", json=EMAIL, headers=ada.headers)
    assert sent == [{"user_id": ada.id, **EMAIL}]


async def test_failing_sender_marks_the_email_failed_after_a_202(
    pg: course.Playground, caplog: pytest.LogCaptureFixture
) -> None:
    ada = await create_user(pg, "ada")

    async def broken_sender(*, user_id: uuid.UUID, subject: str, body: str) -> None:
        raise ConnectionError("mail server down")

    pg.app.state.email_sender = broken_sender
    with caplog.at_level(logging.ERROR, logger="playground.domains.notifications.service"):
        response = await pg.client.post(f"/users/{ada.id}/email", json=EMAIL, headers=ada.headers)
    assert response.status_code == 202
    assert response.json() == {"status": "queued"}
    [email] = (await pg.client.get(f"/users/{ada.id}/emails", headers=ada.headers)).json()["items"]
    assert (email["status"], email["sent_at"]) == ("failed", None)
    assert any("mail server down" in (r.exc_text or "") for r in caplog.records)


async def test_default_sender_logs_the_email(
    pg: course.Playground, caplog: pytest.LogCaptureFixture
) -> None:
    ada = await create_user(pg, "ada")
    with caplog.at_level(logging.INFO, logger="playground.domains.notifications.service"):
        await pg.client.post(f"/users/{ada.id}/email", json=EMAIL, headers=ada.headers)
    assert f"email to {ada.id}: Hello" in caplog.messages


async def test_outbox_lists_only_your_emails_oldest_first(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    bob = await create_user(pg, "bob")
    for subject in ("first", "second"):
        await pg.client.post(
            f"/users/{ada.id}/email", json={"subject": subject, "body": "b"}, headers=ada.headers
        )
    await pg.client.post(f"/users/{bob.id}/email", json=EMAIL, headers=bob.headers)
    outbox = (await pg.client.get(f"/users/{ada.id}/emails", headers=ada.headers)).json()["items"]
    assert [email["subject"] for email in outbox] == ["first", "second"]
    assert {email["user_id"] for email in outbox} == {str(ada.id)}


async def test_outbox_is_empty_at_first(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    response = await pg.client.get(f"/users/{ada.id}/emails", headers=ada.headers)
    assert (response.status_code, response.json()["items"]) == (200, [])


async def test_queue_email_to_another_user_is_forbidden(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    bob = await create_user(pg, "bob")
    response = await pg.client.post(f"/users/{bob.id}/email", json=EMAIL, headers=ada.headers)
    assert_error(response, 403, "USER_NOT_OWNER")
    assert await count(pg, NotificationEmail) == 0


async def test_reading_another_users_outbox_is_forbidden(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    bob = await create_user(pg, "bob")
    await pg.client.post(f"/users/{bob.id}/email", json=EMAIL, headers=bob.headers)
    response = await pg.client.get(f"/users/{bob.id}/emails", headers=ada.headers)
    assert_error(response, 403, "USER_NOT_OWNER")


@pytest.mark.parametrize(("method", "path"), [("POST", "email"), ("GET", "emails")])
async def test_notifications_without_token_are_401(
    pg: course.Playground, method: str, path: str
) -> None:
    ada = await create_user(pg, "ada")
    response = await pg.client.request(
        method, f"/users/{ada.id}/{path}", json=EMAIL if method == "POST" else None
    )
    assert_error(response, 401, "INVALID_TOKEN", bearer=True)


async def test_queue_email_bad_body_is_422_and_queues_nothing(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    response = await pg.client.post(
        f"/users/{ada.id}/email", json={"subject": "", "body": "x" * 5001}, headers=ada.headers
    )
    assert_validation_error(
        response, (["body", "subject"], "string_too_short"), (["body", "body"], "string_too_long")
    )
    missing = await pg.client.post(
        f"/users/{ada.id}/email", json={"subject": "s"}, headers=ada.headers
    )
    assert_validation_error(missing, (["body", "body"], "missing"))
    assert await count(pg, NotificationEmail) == 0


async def test_notifications_with_non_uuid_user_id_are_422(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    response = await pg.client.get("/users/ada/emails", headers=ada.headers)
    assert_validation_error(response, (["path", "user_id"], "uuid_parsing"))


async def test_inactive_user_cannot_queue_or_read_emails(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    await deactivate(pg, ada)
    queued = await pg.client.post(
        f"/users/{ada.id}/email", json={"subject": "s", "body": "b"}, headers=ada.headers
    )
    assert_error(queued, 403, "USER_INACTIVE")
    listed = await pg.client.get(f"/users/{ada.id}/emails", headers=ada.headers)
    assert_error(listed, 403, "USER_INACTIVE")


@pytest.mark.parametrize("field", ["subject", "body"])
async def test_an_email_with_a_nul_is_a_422_and_no_lost_row(
    pg: course.Playground, field: str
) -> None:
    """It was a 202 whose outbox row PostgreSQL then refused: the email was silently lost."""
    ada = await create_user(pg, "ada")
    response = await pg.client.post(
        f"/users/{ada.id}/email", json={**EMAIL, field: "a\x00b"}, headers=ada.headers
    )
    assert_validation_error(response, (("body", field), "string_pattern_mismatch"))
    assert (await pg.client.get(f"/users/{ada.id}/emails", headers=ada.headers)).json()[
        "total"
    ] == 0
