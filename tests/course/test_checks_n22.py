from typing import Any

import pytest

import course
from course.checks import n22

SOLUTION: dict[str, Any] = {"DELIVERY": "queue", "SEND_RETRIES": 3, "RETRY_DELAY_SECONDS": 2}


async def test_the_solution_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n22.welcome_settings(SOLUTION))
    assert capsys.readouterr().out.splitlines() == [
        "✔ 202, and the outbox row is written (queued) before any worker runs",
        "✔ the email waits on the queue, not in the web process's memory",
        "✔ a failed send is tried 3 more times, the first after 2 s or more",
    ]


async def test_the_skeleton_fails(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n22.welcome_settings(...))  # type: ignore[arg-type]
    out = capsys.readouterr().out
    assert out.count("✘") == 3
    assert "not answered yet" in out


async def test_background_tasks_fail_the_queue_checks(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n22.welcome_settings({"DELIVERY": "background"}))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "✘ 202, and the outbox row is written (queued) before any worker runs: "
        "the outbox row once the 202 is back: 'sent'"
    )
    assert lines[2].startswith("✘ the email waits on the queue, not in the web process's memory")


async def test_the_default_retries_are_too_few_or_too_soon(
    capsys: pytest.CaptureFixture[str],
) -> None:
    await course.check(n22.welcome_settings({"DELIVERY": "queue", "SEND_RETRIES": 2}))
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == [
        "✔ 202, and the outbox row is written (queued) before any worker runs",
        "✔ the email waits on the queue, not in the web process's memory",
    ]
    assert lines[2].endswith("SEND_RETRIES is 2")


@pytest.mark.parametrize(
    ("settings", "said"),
    [
        ({"DELIVERY": "queue", "RETRIES": 3, "RETRY_DELAY_SECONDS": 2}, "no setting named RETRIES"),
        (
            {"DELIVERY": "queue", "SEND_RETRIES": "three"},
            "invalid settings: SEND_RETRIES: Input should be a valid integer",
        ),
    ],
)
async def test_a_misnamed_or_refused_setting_is_one_cross_and_no_playground(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    settings: dict[str, Any],
    said: str,
) -> None:
    real, starts = course.start, []

    async def start(**kwargs: Any) -> course.Playground:
        starts.append(kwargs)
        return await real(**kwargs)

    monkeypatch.setattr(course, "start", start)
    await course.check(n22.welcome_settings(settings))
    failed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("✘")]
    assert said in failed[0]
    assert all(line.endswith("see the first check") for line in failed[1:]), failed
    assert len(starts) <= 1


async def test_the_notebooks_own_settings_copied_are_caught(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # section 3's playground, copied: a queue, but one retry after 1 s
    copied = {"DELIVERY": "queue", "SEND_RETRIES": 1, "RETRY_DELAY_SECONDS": 1}
    await course.check(n22.welcome_settings(copied))
    lines = capsys.readouterr().out.splitlines()
    assert lines[2] == (
        "✘ a failed send is tried 3 more times, the first after 2 s or more: SEND_RETRIES is 1"
    )
