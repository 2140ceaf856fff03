"""Checks for notebook 08: a project base model whose JSON output formats every datetime.

Each check draws its own datetime (date, time and microseconds from a generator seeded by the
check's name, so a stored output stays the same), never the lesson's example: an answer that
returns a fixed string, or rounds instead of cutting, is told apart from the rule.
"""

from datetime import UTC, datetime, timedelta, timezone
from random import Random
from typing import Any

from pydantic import BaseModel

from course.exercises import Check, answered

SEOUL = timezone(timedelta(hours=9))


def _model(base: type[BaseModel]) -> type[BaseModel]:
    class Meeting(base):  # type: ignore[misc, valid-type]
        title: str
        seats: int
        starts_at: datetime

    return Meeting


def _moment(tzinfo: timezone | None, seed: str) -> datetime:
    """A datetime the lesson never shows; its microseconds would round up."""
    random = Random(seed)
    day = datetime(2026, 1, 1) + timedelta(
        days=random.randrange(365), seconds=random.randrange(86_399)
    )
    return day.replace(microsecond=random.randrange(500_000, 1_000_000), tzinfo=tzinfo)


def _answered(base: type[BaseModel]) -> type[BaseModel]:
    """The learner's base, unless its serializer is still the skeleton's ``...``."""
    for decorator in answered(base).__pydantic_decorators__.field_serializers.values():
        answered(decorator.func)
    return base


def _json(base: type[BaseModel], starts_at: datetime, **fields: Any) -> dict[str, Any]:
    model = _model(_answered(base))
    dumped: dict[str, Any] = model(
        title=fields.get("title", "x"), seats=fields.get("seats", 3), starts_at=starts_at
    ).model_dump(mode="json")
    return dumped


def _formatted(base: type[BaseModel], value: datetime, expected: str) -> None:
    got = _json(base, value)["starts_at"]
    if got == expected:
        return
    assert got is not None, "a datetime came out None: return the formatted string"
    if isinstance(got, str):
        if got[-5:-4] in "+-" and got[-4:].isdigit():
            raise AssertionError(
                f"got {got!r}: the offset has no colon (strftime %z); use isoformat()"
            )
        if "." in got:
            raise AssertionError(f"got {got!r}: the microseconds are still there")
        rounded = (value + timedelta(seconds=1)).replace(microsecond=0)
        if got.startswith(rounded.replace(tzinfo=None).isoformat()):
            raise AssertionError(f"got {got!r}: rounded up; cut with replace(microsecond=0)")
    raise AssertionError(f"for {value!r} expected {expected!r}, got {got!r}")


def custom_model(base: type[BaseModel]) -> list[Check]:
    """The rule of ``CustomModel``, checked on a subclass of the learner's base."""

    def others_untouched() -> None:
        title, seats = "unseen title", Random("seats").randrange(4, 100)
        dumped = _json(base, _moment(UTC, "others"), title=title, seats=seats)
        got = (dumped["title"], dumped["seats"])
        assert got != (None, None), (
            "title and seats came out None: for a value that is not a datetime, "
            "return handler(value)"
        )
        assert got == (title, seats), f"expected {(title, seats)!r}, got {got!r}"

    def utc() -> None:
        value, other = _moment(UTC, "utc"), _moment(UTC, "utc, another")
        got = {_json(base, value)["starts_at"], _json(base, other)["starts_at"]}
        assert len(got) == 2, (
            f"two different datetimes both came out {got.pop()!r}: format the value itself, not "
            "a string you know"
        )
        _formatted(base, value, value.replace(microsecond=0).isoformat())

    def naive() -> None:
        value = _moment(None, "naive")
        got = _json(base, value)["starts_at"]
        if isinstance(got, str) and got == value.replace(microsecond=0).isoformat():
            raise AssertionError(f"got {got!r}: no offset; a naive value is taken as UTC")
        _formatted(base, value, value.replace(microsecond=0, tzinfo=UTC).isoformat())

    def seoul() -> None:
        value = _moment(SEOUL, "seoul")
        got = _json(base, value)["starts_at"]
        if isinstance(got, str) and got.endswith("+00:00"):
            raise AssertionError(f"got {got!r}: converted to UTC; keep the value's own offset")
        _formatted(base, value, value.replace(microsecond=0).isoformat())

    def only_json() -> None:
        model = _model(answered(base))
        value = _moment(UTC, "python")
        meeting = model(title="x", seats=3, starts_at=value)
        kept = meeting.model_dump()["starts_at"]
        assert kept == value, (
            f"model_dump() gave {kept!r} for {value!r}: the value itself lost precision; "
            'cut in a serializer (when_used="json"), not in a validator'
        )
        _formatted(base, value, value.replace(microsecond=0).isoformat())

    in_utc = Check(
        "UTC: an explicit +00:00, no microseconds",
        "value.replace(microsecond=0).isoformat()",
        utc,
    )
    return [
        Check(
            "other fields are left to pydantic", "call handler(value) for them", others_untouched
        ),
        in_utc,  # the format itself: the checks below would only repeat a mistake in it
        Check(
            "a naive value is taken as UTC",
            "value.replace(tzinfo=UTC) when tzinfo is None",
            naive,
            needs=in_utc,
        ),
        Check("an aware value keeps its offset", "do not convert it to UTC", seoul, needs=in_utc),
        Check(
            "model_dump() in Python keeps the microseconds; only the JSON is cut",
            'serialize (when_used="json"), do not validate',
            only_json,
            needs=in_utc,
        ),
    ]
