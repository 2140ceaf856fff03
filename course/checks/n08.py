"""Checks for notebook 08: a project base model whose JSON output formats every datetime."""

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from pydantic import BaseModel

from course.exercises import Check, answered

SEOUL = timezone(timedelta(hours=9))
MICROS = datetime(2026, 3, 1, 9, 30, 0, 999_999)


def _model(base: type[BaseModel]) -> type[BaseModel]:
    class Meeting(base):  # type: ignore[misc, valid-type]
        title: str
        seats: int
        starts_at: datetime

    return Meeting


def _json(base: type[BaseModel], starts_at: datetime, **fields: Any) -> dict[str, Any]:
    model = _model(answered(base))
    dumped: dict[str, Any] = model(title="x", seats=3, starts_at=starts_at, **fields).model_dump(
        mode="json"
    )
    return dumped


def _expect(got: object, expected: object) -> None:
    assert got == expected, f"expected {expected!r}, got {got!r}"


def custom_model(base: type[BaseModel]) -> list[Check]:
    """The rule of ``CustomModel``, checked on a subclass of the learner's base."""

    def others_untouched() -> None:
        dumped = _json(base, MICROS.replace(tzinfo=UTC))
        answered(dumped["title"])
        _expect((dumped["title"], dumped["seats"]), ("x", 3))

    def utc() -> None:
        _expect(_json(base, MICROS.replace(tzinfo=UTC))["starts_at"], "2026-03-01T09:30:00+00:00")

    def naive() -> None:
        _expect(_json(base, MICROS)["starts_at"], "2026-03-01T09:30:00+00:00")

    def seoul() -> None:
        _expect(_json(base, MICROS.replace(tzinfo=SEOUL))["starts_at"], "2026-03-01T09:30:00+09:00")

    def python_keeps() -> None:
        model = _model(answered(base))
        value = model(title="x", seats=3, starts_at=MICROS).model_dump()["starts_at"]
        _expect(value, MICROS)

    return [
        Check(
            "other fields are left to pydantic", "call handler(value) for them", others_untouched
        ),
        Check(
            "UTC: an explicit +00:00, no microseconds",
            "value.replace(microsecond=0).isoformat()",
            utc,
        ),
        Check(
            "a naive value is taken as UTC", "value.replace(tzinfo=UTC) when tzinfo is None", naive
        ),
        Check("an aware value keeps its offset", "do not convert it to UTC", seoul),
        Check(
            "model_dump() in Python keeps the microseconds",
            'serialize (when_used="json"), do not validate',
            python_keeps,
        ),
    ]
