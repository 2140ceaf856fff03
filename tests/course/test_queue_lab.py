import time

import pytest

import course
from course.labs import n22_mailbox as mailbox
from course.labs import n22_queue as queue_lab


async def test_a_course_playground_keeps_its_queue_in_its_workdir(pg: course.Playground) -> None:
    url = pg.notifications_config.QUEUE_URL
    assert url.removeprefix("sqlite:///") == str(pg.workdir / "queue.db")


async def test_the_sender_records_attempts_and_can_fail() -> None:
    sender = queue_lab.Sender(fail=True)
    with pytest.raises(ConnectionError):
        await sender(user_id=None, subject="s", body="b")  # type: ignore[arg-type]
    assert sender.attempts == ["s"]


async def test_post_email_replaces_the_row_and_until_reads_it(pg: course.Playground) -> None:
    ada = await pg.user("ada")
    for _ in range(2):
        response, seconds = await queue_lab.post_email(pg, pg.client, ada, "hello")
        assert response.status_code == 202 and seconds > 0
    assert await queue_lab.status_of(pg, "hello") == "sent"
    assert await queue_lab.until(pg, "hello", "sent") == "sent"
    assert await queue_lab.until(pg, "nothing", "sent", within=0.1) is None


async def test_fresh_mailbox_is_empty_and_waits_are_gaps(pg: course.Playground) -> None:
    folder = queue_lab.fresh_mailbox(pg)
    (folder / "attempts.jsonl").write_text("")
    assert mailbox.attempts(queue_lab.fresh_mailbox(pg)) == []
    now = time.time()
    attempts = [mailbox.Attempt("s", now, False), mailbox.Attempt("s", now + 1.5, True)]
    assert queue_lab.waits(attempts) == [1.5]


async def test_a_worker_left_running_across_cells_sends_and_stops() -> None:
    queued = await course.start(notifications={"DELIVERY": "queue", "SENDER": mailbox.SENDER})
    async with queued:
        grace = await queued.user("grace")
        await queue_lab.post_email(queued, queued.client, grace, "hello")
        folder = queue_lab.fresh_mailbox(queued)
        queue_lab.start_worker(queued, **{mailbox.FOLDER: str(folder)})
        queue_lab.start_worker(queued, **{mailbox.FOLDER: str(folder)})  # the last one is stopped
        assert await queue_lab.until(queued, "hello", "sent") == "sent"
        queue_lab.stop_worker(queued)
        queue_lab.stop_worker(queued)  # nothing left to stop
        assert [a.delivered for a in mailbox.attempts(folder)] == [True]
