import uuid
from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field, field_validator

from playground.models import CustomModel, Text


class ProfileResponse(CustomModel):
    id: uuid.UUID
    user_id: uuid.UUID
    display_name: str
    bio: str
    is_creator: bool
    created_at: datetime
    updated_at: datetime


def _omit_null_from_schema(schema: dict[str, Any]) -> None:
    for prop in schema.get("properties", {}).values():
        options = [o for o in prop.pop("anyOf", []) if o.get("type") != "null"]
        if options:
            prop.update(options[0])
        prop.pop("default", None)


class ProfileUpdate(CustomModel):
    """A partial update: a field left out is kept; a field sent must not be null."""

    # ``None`` only marks "left out"; the documented type is not nullable.
    model_config = ConfigDict(json_schema_extra=_omit_null_from_schema)

    display_name: Text | None = Field(default=None, min_length=1, max_length=64)
    bio: Text | None = Field(default=None, max_length=500)
    is_creator: bool | None = None

    @field_validator("display_name", "bio", "is_creator")
    @classmethod
    def not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may be left out, but not set to null")
        return value
