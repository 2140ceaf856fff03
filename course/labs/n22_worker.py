"""The email queue's worker (huey's consumer) as a child process, as ``make worker`` runs it."""

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from course.sandbox import Playground

CONSUMER = "playground.domains.notifications.tasks.queue"


def environment(pg: Playground, **extra: str) -> dict[str, str]:
    """What the worker needs to share the playground's database and queue."""
    config = pg.notifications_config
    env = {key: value for key, value in os.environ.items() if not key.startswith("PLAYGROUND_")}
    env.update(
        PLAYGROUND_DATABASE_URL=pg.settings.DATABASE_URL,
        PLAYGROUND_NOTIFICATIONS_QUEUE_URL=config.QUEUE_URL,
        PLAYGROUND_NOTIFICATIONS_SENDER=config.SENDER,
        PLAYGROUND_NOTIFICATIONS_SEND_RETRIES=str(config.SEND_RETRIES),
        PLAYGROUND_NOTIFICATIONS_RETRY_DELAY_SECONDS=str(config.RETRY_DELAY_SECONDS),
        PLAYGROUND_NOTIFICATIONS_RETRY_BACKOFF=str(config.RETRY_BACKOFF),
    )
    env.update(extra)
    return env


@contextmanager
def worker(pg: Playground, **extra: str) -> Iterator[subprocess.Popen[bytes]]:
    """Run the consumer beside the playground (one thread, polling every 0.05-0.2 s, retries
    checked every second); stop it on the way out, letting a running task finish."""
    command = [sys.executable, "-m", "huey.bin.huey_consumer", CONSUMER]
    command += ["-w", "1", "-k", "thread", "-d", "0.05", "-m", "0.2", "-s", "1", "-n", "-q"]
    log = (pg.workdir / "worker.log").open("ab")  # its warnings and tracebacks, for a look
    process = subprocess.Popen(
        command, env=environment(pg, **extra), stdout=subprocess.DEVNULL, stderr=log
    )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGINT)  # huey: graceful, the running task completes
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
