from typing import Any

import pytest
from pydantic import BaseModel, Field, SecretStr, ValidationInfo, field_validator, model_validator

import course
from course.checks import n02
from tests.course.wrong import Wrong


class SignupForm(BaseModel):
    """The notebook's solution."""

    password: SecretStr = Field(min_length=8)
    password_confirm: SecretStr

    @model_validator(mode="after")
    def passwords_match(self) -> "SignupForm":
        if self.password.get_secret_value() != self.password_confirm.get_secret_value():
            raise ValueError("passwords do not match")
        return self


class Skeleton(BaseModel):
    password: SecretStr = Field(min_length=8)
    password_confirm: SecretStr

    # a @model_validator(mode="after") method goes here
    ...


class OnTheField(BaseModel):
    """The anti-pattern: a rule between two fields hung on one of them."""

    password: SecretStr = Field(min_length=8)
    password_confirm: SecretStr

    @field_validator("password_confirm")
    @classmethod
    def same_as_password(cls, value: SecretStr, info: ValidationInfo) -> SecretStr:
        password = info.data.get("password")
        if password is None or password.get_secret_value() != value.get_secret_value():
            raise ValueError("passwords do not match")
        return value


class HardCoded(BaseModel):
    """Refuses the mismatch the check used to send, and nothing else."""

    password: SecretStr = Field(min_length=8)
    password_confirm: SecretStr

    @model_validator(mode="after")
    def passwords_match(self) -> "HardCoded":
        if self.password_confirm.get_secret_value() == "correct-h0rse":
            raise ValueError("passwords do not match")
        return self


class NoReturn(BaseModel):
    """The likeliest slip: the validator compares, raises, and forgets `return self`."""

    password: SecretStr = Field(min_length=8)
    password_confirm: SecretStr

    @model_validator(mode="after")
    def passwords_match(self) -> Any:
        if self.password.get_secret_value() != self.password_confirm.get_secret_value():
            raise ValueError("passwords do not match")


class RaisesTypeError(BaseModel):
    """A slip: the wrong exception, which Pydantic does not turn into a 422."""

    password: SecretStr = Field(min_length=8)
    password_confirm: SecretStr

    @model_validator(mode="after")
    def passwords_match(self) -> "RaisesTypeError":
        if self.password.get_secret_value() != self.password_confirm.get_secret_value():
            raise TypeError("passwords do not match")
        return self


class NoFieldRule(BaseModel):
    """A slip: the model rule is right, but the password's own rule is gone."""

    password: SecretStr
    password_confirm: SecretStr

    @model_validator(mode="after")
    def passwords_match(self) -> "NoFieldRule":
        if self.password.get_secret_value() != self.password_confirm.get_secret_value():
            raise ValueError("passwords do not match")
        return self


SKELETON = Skeleton
MISMATCH = "different passwords: 422, one error, the model's"
WRONG = [
    Wrong(
        "a rule on one field",
        OnTheField,
        MISMATCH,
        "got ['body', 'password_confirm']: that is one field's error",
    ),
    Wrong(
        "a hard-coded mismatch",
        HardCoded,
        MISMATCH,
        "two different passwords made for this check were accepted (HTTP 200)",
    ),
    Wrong(
        "no return self",
        NoReturn,
        "the same password twice",
        "the route received None instead of the form: an after validator must `return self`",
    ),
    Wrong(
        "a TypeError",
        RaisesTypeError,
        MISMATCH,
        "got 500: the validator raised something other than ValueError",
    ),
    Wrong(
        "the field's own rule dropped",
        NoFieldRule,
        "a short password is still refused by its field",
        "a 5-character password was accepted (HTTP 200): keep its field's rule",
    ),
]


async def check_cell(model: type[BaseModel] | None) -> None:
    await course.check(n02.signup_form(model))


async def test_the_solution_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    await check_cell(SignupForm)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and all(line.startswith("✔") for line in lines), lines


async def test_the_skeleton_is_not_answered(capsys: pytest.CaptureFixture[str]) -> None:
    await check_cell(Skeleton)
    out = capsys.readouterr().out
    assert (
        'not answered yet: SignupForm has no validator; add a @model_validator(mode="after")' in out
    )
    await check_cell(None)
    assert capsys.readouterr().out.splitlines()[-2:] == [
        "· the same password twice: 200, and the route receives the form: waits for an answer",
        "· a short password is still refused by its field, before the model rule: "
        "waits for an answer",
    ]
