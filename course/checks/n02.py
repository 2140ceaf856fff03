"""Notebook 02's exercise: a rule between two fields, in a ``model_validator``."""

from typing import Any

import httpx
from pydantic import BaseModel

import course
from course import apps

MISMATCH = {"password": "correct-horse", "password_confirm": "correct-h0rse"}
MATCH = {"password": "correct-horse", "password_confirm": "correct-horse"}
SHORT = {"password": "short", "password_confirm": "short"}


async def _post(model: type[BaseModel], body: dict[str, Any]) -> httpx.Response:
    """``POST /signup`` on a side app whose route takes the learner's model as its body."""
    app = apps.side_app()

    @app.post("/signup")
    async def sign_up(form: model) -> dict[str, bool]:  # type: ignore[valid-type]
        return {"ok": True}

    async with apps.client(app) as client:
        return await client.post("/signup", json=body)


def _errors(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 422, f"expected 422, got {response.status_code}"
    errors: list[dict[str, Any]] = response.json()["detail"]
    return errors


def signup_form(model: type[BaseModel] | None) -> list[course.Check]:
    """The learner's ``SignupForm`` behind ``POST /signup``: mismatch 422, match 200."""

    async def mismatch_refused() -> None:
        errors = _errors(await _post(course.answered(model), MISMATCH))
        assert len(errors) == 1, f"expected one error, got {len(errors)}"

    async def model_level_error() -> None:
        [error] = _errors(await _post(course.answered(model), MISMATCH))
        assert error["loc"] == ["body"], f"expected loc ['body'], got {error['loc']}"
        expected = "Value error, passwords do not match"
        assert error["msg"] == expected, f"expected {expected!r}, got {error['msg']!r}"

    async def match_accepted() -> None:
        response = await _post(course.answered(model), MATCH)
        assert response.status_code == 200, f"expected 200, got {response.status_code}"

    async def field_rule_kept() -> None:
        errors = _errors(await _post(course.answered(model), SHORT))
        locs = [error["loc"] for error in errors]
        assert locs == [["body", "password"]], f"expected one error at body.password, got {locs}"

    return [
        course.Check(
            "different passwords: 422 with one error",
            'add @model_validator(mode="after") that raises ValueError when they differ',
            mismatch_refused,
        ),
        course.Check(
            "the error is the model's (loc ['body']) and says 'passwords do not match'",
            'raise ValueError("passwords do not match"), not a field_validator',
            model_level_error,
        ),
        course.Check(
            "the same password twice: 200",
            "compare get_secret_value() of both; return self",
            match_accepted,
        ),
        course.Check(
            "a short password is still refused by its field, before the model rule",
            "keep Field(min_length=8) on password",
            field_rule_kept,
        ),
    ]
