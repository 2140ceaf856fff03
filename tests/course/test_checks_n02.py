import pytest
from pydantic import BaseModel, Field, SecretStr, model_validator

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


async def test_the_solution_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n02.signup_form(SignupForm))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and all(line.startswith("✔") for line in lines), lines


async def test_the_skeleton_fails(capsys: pytest.CaptureFixture[str]) -> None:
    await course.check(n02.signup_form(Skeleton))
    out = capsys.readouterr().out
    assert "✘ different passwords: 422 with one error: expected 422, got 200" in out, out
    await course.check(n02.signup_form(None))
    assert "not answered yet" in capsys.readouterr().out
