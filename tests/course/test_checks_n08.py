from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import BaseModel, SerializerFunctionWrapHandler, field_serializer

import course
from course.checks import n08


class Skeleton(BaseModel):
    @field_serializer("*", mode="wrap", when_used="json")
    def _datetimes(self, value: Any, handler: SerializerFunctionWrapHandler) -> Any: ...


class Solution(BaseModel):
    @field_serializer("*", mode="wrap", when_used="json")
    def _datetimes(self, value: Any, handler: SerializerFunctionWrapHandler) -> Any:
        if not isinstance(value, datetime):
            return handler(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.replace(microsecond=0).isoformat()


async def test_the_solution_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n08.custom_model(Solution))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5 and all(line.startswith("✔") for line in lines)


async def test_the_skeleton_fails(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n08.custom_model(Skeleton))
    out = capsys.readouterr().out
    assert "✘ other fields are left to pydantic: title and seats came out None" in out
    assert out.count("✘") == 5 and "✔" not in out


async def test_a_validator_that_drops_microseconds_is_caught(
    capsys: pytest.CaptureFixture[str],
) -> None:
    await course.check(n08.custom_model(course_model_with_python_rounding()))
    out = capsys.readouterr().out
    assert (
        "✘ model_dump() in Python keeps the microseconds; only the JSON is cut: model_dump()" in out
    )
    assert "the value itself lost precision" in out
    assert out.count("✘") == 1


def course_model_with_python_rounding() -> type[BaseModel]:
    from pydantic import field_validator

    class Rounding(Solution):
        @field_validator("*", mode="after")
        @classmethod
        def _drop(cls, value: Any) -> Any:
            return value.replace(microsecond=0) if isinstance(value, datetime) else value

    return Rounding


class Hard(BaseModel):
    """Hard-coded: the string the lesson's example expects."""

    @field_serializer("*", mode="wrap", when_used="json")
    def _datetimes(self, value: Any, handler: SerializerFunctionWrapHandler) -> Any:
        if isinstance(value, datetime):
            return "2026-03-01T09:30:00+00:00"
        return handler(value)


class Strftime(BaseModel):
    """The original's format, on the current API: strftime("%z") gives +0000."""

    @field_serializer("*", mode="wrap", when_used="json")
    def _datetimes(self, value: Any, handler: SerializerFunctionWrapHandler) -> Any:
        if not isinstance(value, datetime):
            return handler(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.strftime("%Y-%m-%dT%H:%M:%S%z")


class ToUtc(BaseModel):
    """The likeliest slip: astimezone(UTC) for every value, so +09:00 is lost."""

    @field_serializer("*", mode="wrap", when_used="json")
    def _datetimes(self, value: Any, handler: SerializerFunctionWrapHandler) -> Any:
        if not isinstance(value, datetime):
            return handler(value)
        return value.astimezone(UTC).replace(microsecond=0).isoformat()


class NoNaive(BaseModel):
    """Another slip: the naive case forgotten."""

    @field_serializer("*", mode="wrap", when_used="json")
    def _datetimes(self, value: Any, handler: SerializerFunctionWrapHandler) -> Any:
        if not isinstance(value, datetime):
            return handler(value)
        return value.replace(microsecond=0).isoformat()


async def test_a_fixed_string_fails(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n08.custom_model(Hard))
    out = capsys.readouterr().out
    assert "✘ UTC: an explicit +00:00, no microseconds: for datetime.datetime(" in out
    assert "got '2026-03-01T09:30:00+00:00'" in out


async def test_strftime_z_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n08.custom_model(Strftime))
    out = capsys.readouterr().out
    assert "the offset has no colon (strftime %z); use isoformat()" in out
    assert "✔ other fields are left to pydantic" in out


async def test_converting_to_utc_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n08.custom_model(ToUtc))
    out = capsys.readouterr().out
    assert "✘ an aware value keeps its offset: got" in out
    assert "converted to UTC; keep the value's own offset" in out
    assert out.count("✘") == 1


async def test_forgetting_naive_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n08.custom_model(NoNaive))
    out = capsys.readouterr().out
    assert "no offset; a naive value is taken as UTC" in out
    assert out.count("✘") == 1
