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


def _unanswered_with_a_reason() -> None:
    raise course.exercises.Unanswered("the route returned None")


def _noisy() -> None:
    import logging
    import warnings

    print("debug print")
    logging.getLogger("playground.handlers").error("a traceback's first line")
    warnings.warn("old API", DeprecationWarning, stacklevel=1)
    raise AssertionError("expected 404")


async def test_a_reason_is_kept_and_noise_waits_after_the_verdicts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    await course.check(
        course.Check("returns the user", "return it", _unanswered_with_a_reason),
        course.Check("noisy fails", "raise NotFound", _noisy),
        course.Check("passes", "-", lambda: None),
    )
    assert capsys.readouterr().out.splitlines() == [
        "✘ returns the user: the route returned None",
        "  hint: return it",
        "✘ noisy fails: expected 404",
        "  hint: raise NotFound",
        "✔ passes",
        "(printed while checking)",
        "  debug print",
        "  ERROR playground.handlers: a traceback's first line",
        "  DeprecationWarning: old API",
    ]


async def test_the_solution_check_says_what_it_checks(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(course.Check("passes", "-", lambda: None), of="the solution")
    assert capsys.readouterr().out.splitlines() == ["checking the solution:", "✔ passes"]


def test_a_function_that_is_still_the_skeleton_is_not_answered() -> None:
    def skeleton(x: int) -> int:  # type: ignore[empty-body]
        """Double it."""
        ...

    async def bare() -> None: ...

    def written(x: int) -> int:
        """Double it."""
        return x * 2

    def forgot_return(x: int) -> None:
        x * 2

    for unanswered in (skeleton, bare):
        with pytest.raises(AssertionError, match="not answered yet"):
            course.answered(unanswered)
    assert course.answered(written) is written
    assert (
        course.answered(forgot_return) is forgot_return
    )  # answered, wrongly: judged by its checks
    assert course.answered(print) is print  # no source to read
