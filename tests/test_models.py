from datetime import UTC, datetime, timedelta, timezone

from playground.models import CustomModel, format_datetime


class Event(CustomModel):
    at: datetime
    name: str


def test_aware_datetime_keeps_offset_and_drops_microseconds() -> None:
    seoul = timezone(timedelta(hours=9))
    event = Event(at=datetime(2026, 1, 2, 3, 4, 5, 678_901, tzinfo=seoul), name="x")
    assert event.model_dump(mode="json")["at"] == "2026-01-02T03:04:05+09:00"


def test_naive_datetime_is_taken_as_utc() -> None:
    assert format_datetime(datetime(2026, 1, 2, 3, 4, 5, 1)) == "2026-01-02T03:04:05+00:00"


def test_python_mode_keeps_the_datetime_object() -> None:
    at = datetime(2026, 1, 2, tzinfo=UTC)
    assert Event(at=at, name="x").model_dump()["at"] is at


def test_serializable_dict_applies_the_same_rules() -> None:
    event = Event(at=datetime(2026, 1, 2, 3, 4, 5, 999, tzinfo=UTC), name="x")
    assert event.serializable_dict() == {"at": "2026-01-02T03:04:05+00:00", "name": "x"}
    assert event.model_dump_json() == '{"at":"2026-01-02T03:04:05+00:00","name":"x"}'


class Schedule(CustomModel):
    slots: list[datetime]
    by_name: dict[str, datetime]
    nested: list[Event]


def test_datetimes_inside_containers_follow_the_same_rules() -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, 678_901, tzinfo=UTC)
    schedule = Schedule(slots=[at], by_name={"start": at}, nested=[Event(at=at, name="x")])
    assert schedule.serializable_dict() == {
        "slots": ["2026-01-02T03:04:05+00:00"],
        "by_name": {"start": "2026-01-02T03:04:05+00:00"},
        "nested": [{"at": "2026-01-02T03:04:05+00:00", "name": "x"}],
    }


def test_the_serializer_keeps_every_field_typed_in_the_json_schema() -> None:
    schema = Event.model_json_schema(mode="serialization")["properties"]
    assert schema["at"] == {"format": "date-time", "title": "At", "type": "string"}
    assert schema["name"] == {"title": "Name", "type": "string"}


def test_every_documented_response_field_has_a_type() -> None:
    from playground.main import create_app

    schemas = create_app().openapi()["components"]["schemas"]
    typed = {"type", "$ref", "anyOf", "allOf", "oneOf", "enum", "const"}
    untyped = [
        f"{name}.{field}"
        for name, schema in schemas.items()
        for field, spec in schema.get("properties", {}).items()
        if not typed & spec.keys()
    ]
    assert untyped == ["ValidationError.input"]  # the one field that is any JSON on purpose
