"""JSON bodies: non-finite numbers are refused with a 422 (they were a 500 with two tracebacks)."""

import json

import pytest

import course
from playground.routing import loads_finite
from tests.helpers import assert_validation_error

USER = '{"username": "ada", "email": "ada@example.com", "password": "long-enough", '


@pytest.mark.parametrize(
    "body",
    [
        USER + '"first_name": "Ada", "age": NaN}',
        USER + '"first_name": "Ada", "age": Infinity}',
        USER + '"first_name": "Ada", "age": -Infinity}',
        USER + '"first_name": "Ada", "age": 1e400}',
        USER + '"first_name": "Ada", "ignored": [1, {"deep": NaN}]}',  # not a field: refused too
        "Infinity",
        "NaN",
        "1e400",
    ],
)
async def test_a_non_finite_number_anywhere_is_a_422(
    pg: course.Playground, body: str, caplog: pytest.LogCaptureFixture
) -> None:
    response = await pg.client.post(
        "/auth/users", content=body.encode(), headers={"Content-Type": "application/json"}
    )
    detail = assert_validation_error(
        response, (("body", response.json()["detail"][0]["loc"][1]), "json_invalid")
    )
    assert "Non-finite" in detail[0]["ctx"]["error"]
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_finite_json_parses_as_json_does() -> None:
    text = '{"a": [1, 2.5, -3e10, "NaN", true, null], "b": {"c": "Infinity"}}'
    assert loads_finite(text.encode()) == json.loads(text)


def test_a_non_finite_number_names_its_position() -> None:
    with pytest.raises(json.JSONDecodeError) as raised:
        loads_finite(b'{"age": NaN}')
    assert raised.value.pos == 8
