"""Run by notebook 18 in a child interpreter: two validators, one ``assert``, one ``ValueError``."""

import json
import sys

from pydantic import BaseModel, ValidationError, field_validator


class WithAssert(BaseModel):
    password: str

    @field_validator("password")
    @classmethod
    def long_enough(cls, value: str) -> str:
        assert len(value) >= 8, "must have at least 8 characters"
        return value


class WithValueError(BaseModel):
    password: str

    @field_validator("password")
    @classmethod
    def long_enough(cls, value: str) -> str:
        if len(value) < 8:
            raise ValueError("must have at least 8 characters")
        return value


def verdict(model: type[BaseModel], password: str) -> str:
    try:
        model(password=password)
    except ValidationError as exc:
        return f"refused: {exc.errors()[0]['msg']}"
    return "accepted"


if __name__ == "__main__":
    report = {
        "optimize": str(sys.flags.optimize),
        "assert": verdict(WithAssert, "short"),
        "ValueError": verdict(WithValueError, "short"),
    }
    print(json.dumps(report))
