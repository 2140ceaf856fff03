"""Garbage collection on cue, so a lesson can show what a leaked connection does, every run."""

import gc
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from course.server import captured_logs


@dataclass
class Collected:
    """What the garbage collection at the end of the block said: warnings, and log records."""

    warnings: list[str] = field(default_factory=list)  # "Category: first sentence"
    logs: list[str] = field(default_factory=list)  # "logger: first line"


def _first_sentence(text: str) -> str:
    return text.split(".  ")[0].split(". ")[0]


@contextmanager
def collected_at_exit(*loggers: str) -> Iterator[Collected]:
    """Pause automatic GC for the block and collect at its end, at the same point every run.

    The warnings raised and the records of ``loggers`` (default ``sqlalchemy``) during that
    collection land in the yielded ``Collected``, not on stderr.
    """
    collected = Collected()
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield collected
    finally:
        with (
            captured_logs(*(loggers or ("sqlalchemy",))) as logs,
            warnings.catch_warnings(record=True) as records,
        ):
            warnings.simplefilter("always")
            gc.collect()
        if enabled:
            gc.enable()
        collected.logs.extend(_first_sentence(line) for line in logs)
        collected.warnings.extend(
            f"{record.category.__name__}: {_first_sentence(str(record.message))}"
            for record in records
        )
