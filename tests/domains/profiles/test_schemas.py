import pytest
from pydantic import ValidationError

from playground.domains.profiles.schemas import ProfileUpdate


def test_profile_update_documents_its_fields_as_not_nullable() -> None:
    properties = ProfileUpdate.model_json_schema()["properties"]
    assert {name: prop.get("type") for name, prop in properties.items()} == {
        "display_name": "string",
        "bio": "string",
        "is_creator": "boolean",
    }
    for prop in properties.values():
        assert "anyOf" not in prop
        assert "default" not in prop
    assert (properties["display_name"]["minLength"], properties["display_name"]["maxLength"]) == (
        1,
        64,
    )


def test_profile_update_keeps_only_the_fields_sent() -> None:
    assert ProfileUpdate(bio="x").model_dump(exclude_unset=True) == {"bio": "x"}
    with pytest.raises(ValidationError, match="may be left out, but not set to null"):
        ProfileUpdate(bio=None)
