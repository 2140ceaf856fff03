"""A mail server double for the email queue's worker, which runs in another process.

The worker is told to send with ``SENDER`` (below); every attempt is appended to a file in the
folder named by ``PLAYGROUND_COURSE_MAILBOX``, and the first ``..._FAIL_FIRST`` attempts of
each email fail, as a mail server that is down would. A test or a notebook reads the attempts
back: when each was made and whether it went through.
"""

import asyncio
import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

SENDER = "course.labs.n22_mailbox:send"
FOLDER = "PLAYGROUND_COURSE_MAILBOX"
FAIL_FIRST = "PLAYGROUND_COURSE_MAILBOX_FAIL_FIRST"
SLOW_SECONDS = "PLAYGROUND_COURSE_MAILBOX_SLOW_SECONDS"


@dataclass(frozen=True)
class Attempt:
    subject: str
    at: float  # time.time() when the attempt began
    delivered: bool


def _log(folder: Path) -> Path:
    return folder / "attempts.jsonl"


async def send(*, user_id: uuid.UUID, subject: str, body: str) -> None:
    """The worker's send step: slow if told so, failing the first attempts of each subject."""
    folder = Path(os.environ[FOLDER])
    started = time.time()
    await asyncio.sleep(float(os.environ.get(SLOW_SECONDS, "0")))
    earlier = sum(attempt.subject == subject for attempt in attempts(folder))
    delivered = earlier >= int(os.environ.get(FAIL_FIRST, "0"))
    line = {"subject": subject, "at": started, "delivered": delivered}
    with _log(folder).open("a") as log:
        log.write(json.dumps(line) + "\n")
    if not delivered:
        raise ConnectionError("the mail server is unavailable (course mailbox)")


def attempts(folder: Path) -> list[Attempt]:
    """Every attempt so far, oldest first."""
    if not _log(folder).exists():
        return []
    return [Attempt(**json.loads(line)) for line in _log(folder).read_text().splitlines()]
