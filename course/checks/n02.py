"""Notebook 02's exercise: a rule between two fields, in a ``model_validator``."""

import secrets
from typing import Any

import httpx
from pydantic import BaseModel

import course
from course import apps
from course.exercises import Unanswered


def _password(length: int = 12) -> str:
    """A password made for this check: the learner cannot know it in advance."""
    return secrets.token_urlsafe(length)[:length]


def _mismatch() -> dict[str, str]:
    password = _password()
    return {
        "password": password,
        "password_confirm": password[:-1] + ("x" if password[-1] != "x" else "y"),
    }


def _match() -> dict[str, str]:
    password = _password()
    return {"password": password, "password_confirm": password}


async def _post(model: type[BaseModel], body: dict[str, Any]) -> httpx.Response:
    """``POST /signup`` on a side app whose route takes the learner's model as its body and
    answers with what it received: ``{"received": <the password>}``, or ``null``."""
    app = apps.side_app()

    @app.post("/signup")
    async def sign_up(form: model) -> dict[str, str | None]:  # type: ignore[valid-type]
        secret = getattr(form, "password", None)
        return {"received": secret.get_secret_value() if secret is not None else None}

    async with apps.client(app, raise_errors=False) as client:
        return await client.post("/signup", json=body)


def _errors(response: httpx.Response, accepted: str) -> list[dict[str, Any]]:
    """The 422's errors; ``accepted`` says what a 200 means."""
    assert response.status_code != 500, (
        "got 500: the validator raised something other than ValueError (a TypeError, a "
        "KeyError...); Pydantic turns only ValueError and AssertionError into a 422"
    )
    assert response.status_code != 200, accepted
    assert response.status_code == 422, f"expected 422, got {response.status_code}"
    errors: list[dict[str, Any]] = response.json()["detail"]
    return errors


def _answered(model: type[BaseModel] | None) -> type[BaseModel]:
    """The learner's model, unless it still has no validator of its own."""
    model = course.answered(model)
    decorators = model.__pydantic_decorators__
    if not (decorators.model_validators or decorators.field_validators):
        raise Unanswered(
            'not answered yet: SignupForm has no validator; add a @model_validator(mode="after")'
        )
    return model


def signup_form(model: type[BaseModel] | None) -> list[course.Check]:
    """The learner's ``SignupForm`` behind ``POST /signup``: mismatch 422, match 200.

    Every request sends passwords made for it, so no rule can test for particular values.
    """

    async def mismatch_refused() -> None:
        errors = _errors(
            await _post(_answered(model), _mismatch()),
            "two different passwords made for this check were accepted (HTTP 200): compare the "
            "two fields themselves and raise ValueError when they differ",
        )
        assert len(errors) == 1, f"expected one error, got {len(errors)}: {errors}"
        [error] = errors
        assert error["loc"] == ["body"], (
            f"expected loc ['body'], got {error['loc']}: that is one field's error; a rule "
            "between two fields is the model's"
        )
        expected = "Value error, passwords do not match"
        assert error["msg"] == expected, f"expected {expected!r}, got {error['msg']!r}"

    async def match_accepted() -> None:
        body = _match()
        response = await _post(_answered(model), body)
        assert response.status_code != 500, f"got 500: {response.text[:200]}"
        assert response.status_code == 200, f"expected 200, got {response.status_code}"
        received = response.json()["received"]
        assert received is not None, (
            "the route received None instead of the form: an after validator must `return self`"
        )
        assert received == body["password"], f"the route received {received!r}"

    async def field_rule_kept() -> None:
        short = _password(5)
        errors = _errors(
            await _post(_answered(model), {"password": short, "password_confirm": short}),
            f"a {len(short)}-character password was accepted (HTTP 200): keep its field's rule",
        )
        locs = [error["loc"] for error in errors]
        assert ["body", "password"] in locs, f"expected an error at body.password, got {locs}"
        assert locs == [["body", "password"]], (
            f"expected one error, at body.password, got {locs}: the rule between the fields ran "
            "on a form whose password had already failed (an after model validator would not)"
        )

    mismatch = course.Check(
        "different passwords: 422, one error, the model's (loc ['body']): 'passwords do not match'",
        'a @model_validator(mode="after") that raises ValueError("passwords do not match")',
        mismatch_refused,
    )
    return [
        mismatch,
        course.Check(
            "the same password twice: 200, and the route receives the form",
            "compare get_secret_value() of both; end the validator with `return self`",
            match_accepted,
        ),
        course.Check(  # a rule hung on one field fails the first check already: one ✘
            "a short password is still refused by its field, before the model rule",
            "keep Field(min_length=8) on password",
            field_rule_kept,
            needs=mismatch,
        ),
    ]
