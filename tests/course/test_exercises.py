import pytest

import course


async def _async_true() -> bool:
    return True


def _raises() -> None:
    raise KeyError("post_id")


def _fails() -> None:
    raise AssertionError("expected 403, got 200")


async def test_check_prints_one_line_per_check_and_never_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    await course.check(
        course.Check("sync pass", "-", lambda: None),
        [course.Check("async pass", "-", _async_true)],
        course.Check("false fails", "return True", lambda: False),
        course.Check("assertion fails", "chain on ActiveUser", _fails),
        course.Check("a bug fails", "look at the path", _raises),
        course.Check("skeleton fails", "write the body", lambda: course.answered(...)),
    )
    assert capsys.readouterr().out.splitlines() == [
        "✔ sync pass",
        "✔ async pass",
        "✘ false fails: return True",
        "✘ assertion fails: expected 403, got 200",
        "  hint: chain on ActiveUser",
        "✘ a bug fails: KeyError: 'post_id'",
        "  hint: look at the path",
        "✘ skeleton fails: not answered yet: replace the `...`",
        "  hint: write the body",
    ]


def test_answered_passes_real_values_through() -> None:
    assert course.answered(0) == 0
    assert course.answered([]) == []
    for skeleton in (..., None):
        with pytest.raises(AssertionError):
            course.answered(skeleton)
