"""The project-wide pydantic base: one place for serialization rules."""

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    SerializerFunctionWrapHandler,
    StringConstraints,
    field_serializer,
)
from pydantic_core import to_jsonable_python


def format_datetime(value: datetime) -> str:
    """ISO 8601 with an explicit offset and no microseconds; naive values are taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.replace(microsecond=0).isoformat()


def _holds_datetime(value: Any) -> bool:
    if isinstance(value, datetime):
        return True
    if isinstance(value, dict):
        return any(_holds_datetime(item) for item in value.values())
    if isinstance(value, list | tuple | set | frozenset):
        return any(_holds_datetime(item) for item in value)
    return False


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(item) for item in value]
    return to_jsonable_python(value)


class CustomModel(BaseModel):
    model_config = ConfigDict(from_attributes=True, populate_by_name=True)

    # No return annotation on purpose: pydantic documents a serializer's return type as its
    # field's type, and ``-> Any`` left every field of every response untyped (``{}``) in OpenAPI.
    @field_serializer("*", mode="wrap", when_used="json")
    def _serialize_datetimes(  # type: ignore[no-untyped-def]
        self, value: Any, handler: SerializerFunctionWrapHandler
    ):
        # Decides by the *value*, not the field's name, and reaches datetimes inside lists
        # and dicts.
        if _holds_datetime(value):
            return _jsonable(value)
        return handler(value)

    def serializable_dict(self, **kwargs: Any) -> dict[str, Any]:
        """A dict that ``json.dumps`` accepts, with the same rules as the API's responses."""
        return self.model_dump(mode="json", **kwargs)


# PostgreSQL's text cannot hold U+0000 (asyncpg refuses it: a 500) and SQLite stores it: the
# same input must get the same answer on both, a 422 before any SQL. A pattern, not a
# validator function: ``min_length`` and ``max_length`` keep their string errors, and the
# OpenAPI document says it.
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$")]
"""Every text field a client sends: a ``str`` without NUL characters."""
