from typing import Any

import pytest
from pydantic import BaseModel, Field, SecretStr, ValidationInfo, field_validator, model_validator

import course
from course.checks import n02


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


async def _out(model: type[BaseModel] | None, capsys: pytest.CaptureFixture[str]) -> str:
    await course.check(n02.signup_form(model))
    out = capsys.readouterr().out
    assert "Traceback" not in out, out
    return out


async def test_the_solution_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    lines = (await _out(SignupForm, capsys)).splitlines()
    assert len(lines) == 3 and all(line.startswith("✔") for line in lines), lines


async def test_the_skeleton_fails(capsys: pytest.CaptureFixture[str]) -> None:
    out = await _out(Skeleton, capsys)
    assert out.count("✘") == 3, out
    assert out.count('SignupForm has no validator; add a @model_validator(mode="after")') == 3
    out = await _out(None, capsys)
    assert out.count("not answered yet") == 3, out


async def test_a_rule_on_one_field_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    out = await _out(OnTheField, capsys)
    assert "got ['body', 'password_confirm']: that is one field's error" in out, out
    assert "the rule between the fields ran on a form whose password had already failed" in out


async def test_a_hard_coded_mismatch_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    out = await _out(HardCoded, capsys)
    assert (
        out.count("✘") == 1
        and "(loc ['body']): 'passwords do not match': expected 422, got 200" in out
    )


async def test_a_validator_without_return_self_is_caught(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = await _out(NoReturn, capsys)
    assert out.count("✘") == 1, out
    assert (
        "the route received None instead of the form: an after validator must `return self`" in out
    )


async def test_a_type_error_is_told_apart(capsys: pytest.CaptureFixture[str]) -> None:
    out = await _out(RaisesTypeError, capsys)
    assert out.count("✘") == 1, out
    assert "got 500: the validator raised something other than ValueError" in out, out
