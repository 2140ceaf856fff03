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
    assert "✘ other fields are left to pydantic: not answered yet" in out
    assert "✘ UTC: an explicit +00:00, no microseconds: expected" in out


async def test_a_validator_that_drops_microseconds_is_caught(
    capsys: pytest.CaptureFixture[str],
) -> None:
    await course.check(n08.custom_model(course_model_with_python_rounding()))
    assert "✘ model_dump() in Python keeps the microseconds" in capsys.readouterr().out


def course_model_with_python_rounding() -> type[BaseModel]:
    from pydantic import field_validator

    class Rounding(Solution):
        @field_validator("*", mode="after")
        @classmethod
        def _drop(cls, value: Any) -> Any:
            return value.replace(microsecond=0) if isinstance(value, datetime) else value

    return Rounding
