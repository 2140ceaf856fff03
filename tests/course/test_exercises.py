from collections.abc import Callable

import pytest

import course
from course import exercises
from course.learner import progress as learner_progress
from course.maintain import rerun


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
        course.Check("noisy fails", "raise NotFound", _noisy),
        course.Check("passes", "-", lambda: None),
        course.Check("returns the user", "return it", _unanswered_with_a_reason),
    )
    assert capsys.readouterr().out.splitlines() == [
        "✘ noisy fails: expected 404",
        "  hint: raise NotFound",
        "✔ passes",
        "✘ returns the user: the route returned None",
        "  hint: return it",
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


async def test_a_check_that_needs_a_failed_one_waits_and_does_not_run(
    capsys: pytest.CaptureFixture[str],
) -> None:
    ran: list[str] = []

    def run(name: str, ok: bool) -> Callable[[], bool]:
        def test() -> bool:
            ran.append(name)
            return ok

        return test

    status = course.Check("answers 200", "return the post", run("status", False))
    body = course.Check("the body is the post", "-", run("body", True), needs=status)
    fields = course.Check("no secret field", "-", run("fields", True), needs=body)
    code = course.Check("404 has its code", "raise PostNotFound()", run("code", True))
    await course.check(status, body, fields, code)
    assert capsys.readouterr().out.splitlines() == [
        "✘ answers 200: return the post",
        "· the body is the post: waits for the check above",
        "· no secret field: waits for the check above",  # waits on a check that waits
        "✔ 404 has its code",  # another mistake's check runs on its own
    ]
    assert ran == ["status", "code"]


async def test_a_check_that_needs_passed_ones_runs(capsys: pytest.CaptureFixture[str]) -> None:
    first = course.Check("first", "-", lambda: True)
    second = course.Check("second", "-", lambda: True)
    both = course.Check("both", "look again", lambda: False, needs=(first, second))
    await course.check([first, second, both])
    assert capsys.readouterr().out.splitlines() == [
        "✔ first",
        "✔ second",
        "✘ both: look again",
    ]


async def test_a_check_behind_two_crosses_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    first = course.Check("first", "a", lambda: False)
    second = course.Check("second", "b", lambda: False)
    both = course.Check("both", "-", lambda: True, needs=(first, second))
    await course.check(first, second, both)
    assert capsys.readouterr().out.splitlines()[-1] == "· both: waits for the checks above"


async def test_nothing_runs_after_an_unanswered_check(capsys: pytest.CaptureFixture[str]) -> None:
    ran: list[str] = []

    def later() -> None:
        ran.append("later")

    await course.check(
        course.Check("passes", "-", lambda: None),
        course.Check("the answer", "write the body", lambda: course.answered(...)),
        course.Check("independent", "-", later),
    )
    assert capsys.readouterr().out.splitlines() == [
        "✔ passes",
        "✘ the answer: not answered yet: replace the `...`",
        "  hint: write the body",
        "· independent: waits for an answer",
    ]
    assert ran == []


async def test_a_check_may_need_only_checks_that_run_before_it() -> None:
    first = course.Check("first", "-", lambda: None)
    second = course.Check("second", "-", lambda: None, needs=first)
    with pytest.raises(ValueError, match="'second' needs checks that do not run before it"):
        await course.check(second, first)
    with pytest.raises(ValueError, match="needs checks that do not run before it: \\['first'\\]"):
        await course.check(second)


def test_progress_counts_a_waiting_check_as_a_check_not_passed() -> None:
    assert (exercises.PASS, exercises.FAIL, exercises.WAIT) == (
        learner_progress.PASS,
        learner_progress.FAIL,
        learner_progress.WAIT,
    )
    printed = "✔ a\n✘ b: why\n  hint: h\n· c: waits for the check above\n"
    assert learner_progress.check_lines(printed) == (1, 3)
    assert rerun.check_output_problem(printed, all_pass=False) is None
