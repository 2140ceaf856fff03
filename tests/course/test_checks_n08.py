from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import BaseModel, SerializerFunctionWrapHandler, field_serializer

import course
from course.checks import n08
from tests.course.wrong import Wrong


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


class Forgot(BaseModel):
    """A slip: the datetimes formatted, everything else dropped (no return handler(value))."""

    @field_serializer("*", mode="wrap", when_used="json")
    def _datetimes(self, value: Any, handler: SerializerFunctionWrapHandler) -> Any:
        if isinstance(value, datetime):
            return value.replace(microsecond=0, tzinfo=value.tzinfo or UTC).isoformat()
        return None


SKELETON = Skeleton
UTC_CHECK = "UTC: an explicit +00:00, no microseconds"
WRONG = [
    Wrong(
        "a validator that drops the microseconds",
        course_model_with_python_rounding(),
        "model_dump() in Python keeps the microseconds; only the JSON is cut",
        "the value itself lost precision",
    ),
    Wrong(
        "a fixed string",
        Hard,
        UTC_CHECK,
        "two different datetimes both came out '2026-03-01T09:30:00+00:00'",
    ),
    Wrong(
        "strftime's %z",
        Strftime,
        UTC_CHECK,
        "the offset has no colon (strftime %z); use isoformat()",
    ),
    Wrong(
        "converted to UTC",
        ToUtc,
        "an aware value keeps its offset",
        "converted to UTC; keep the value's own offset",
    ),
    Wrong(
        "the naive case forgotten",
        NoNaive,
        "a naive value is taken as UTC",
        "no offset; a naive value is taken as UTC",
    ),
    Wrong(
        "no handler for the other fields",
        Forgot,
        "other fields are left to pydantic",
        "title and seats came out None: for a value that is not a datetime, return handler",
    ),
]


async def check_cell(base: type[BaseModel]) -> None:
    await course.check(n08.custom_model(base))


async def test_the_solution_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    await check_cell(Solution)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5 and all(line.startswith("✔") for line in lines)
