from typing import Any

import pytest

import course
from course.checks import n22
from tests.course.wrong import Wrong

SOLUTION: dict[str, Any] = {"DELIVERY": "queue", "SEND_RETRIES": 3, "RETRY_DELAY_SECONDS": 2}


async def test_the_solution_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n22.welcome_settings(SOLUTION))
    assert capsys.readouterr().out.splitlines() == [
        "✔ 202, and the outbox row is written (queued) before any worker runs",
        "✔ the email waits on the queue, not in the web process's memory",
        "✔ a failed send is tried 3 more times, the first after 2 s or more",
    ]


SKELETON = ...
RETRIED = "a failed send is tried 3 more times, the first after 2 s or more"
WRONG = [
    Wrong(
        "BackgroundTasks",
        {"DELIVERY": "background"},
        "202, and the outbox row is written (queued) before any worker runs",
        "the outbox row was already 'sent' when the 202 came back",
    ),
    Wrong(
        "the default retries",
        {"DELIVERY": "queue", "SEND_RETRIES": 2},
        RETRIED,
        "SEND_RETRIES is 2, fewer than 3",
    ),
    Wrong(
        "section 3's settings copied",
        {"DELIVERY": "queue", "SEND_RETRIES": 1, "RETRY_DELAY_SECONDS": 1},
        RETRIED,
        "SEND_RETRIES is 1, fewer than 3",
    ),
    Wrong(
        "a misnamed setting",
        {"DELIVERY": "queue", "RETRIES": 3, "RETRY_DELAY_SECONDS": 2},
        "202, and the outbox row is written",
        "no setting named RETRIES (it would be ignored)",
    ),
    Wrong(
        "a refused value",
        {"DELIVERY": "queue", "SEND_RETRIES": "three"},
        "202, and the outbox row is written",
        "invalid settings: SEND_RETRIES: Input should be a valid integer",
    ),
    Wrong(
        "retried too soon",
        {"DELIVERY": "queue", "SEND_RETRIES": 3, "RETRY_DELAY_SECONDS": 1},
        RETRIED,
        "RETRY_DELAY_SECONDS is 1, less than 2",
    ),
]


async def check_cell(settings: dict[str, Any]) -> None:
    await course.check(n22.welcome_settings(settings))


@pytest.mark.parametrize("settings", [case.answer for case in WRONG[3:5]])
async def test_a_misnamed_or_refused_setting_starts_one_playground_at_most(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    settings: dict[str, Any],
) -> None:
    real, starts = course.start, []

    async def start(**kwargs: Any) -> course.Playground:
        starts.append(kwargs)
        return await real(**kwargs)

    monkeypatch.setattr(course, "start", start)
    await check_cell(settings)
    capsys.readouterr()
    assert len(starts) <= 1


async def test_the_checks_start_one_playground(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real, starts = course.start, []

    async def start(**kwargs: Any) -> course.Playground:
        starts.append(kwargs)
        return await real(**kwargs)

    monkeypatch.setattr(course, "start", start)
    await check_cell(SOLUTION)
    assert capsys.readouterr().out.count("✔") == 3
    assert len(starts) == 1
