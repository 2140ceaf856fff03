"""Print a datetime string by its shape, so a notebook's output is the same on every run."""

import re

_DATETIME = re.compile(r"\d{4}-\d\d-\d\d([T ])\d\d:\d\d:\d\d(\.\d+)?(.*)")


def shape(text: str) -> str:
    """``2026-01-02T03:04:05.123+00:00`` -> ``YYYY-MM-DDThh:mm:ss.fff+00:00``; the offset stays."""
    match = _DATETIME.fullmatch(text)
    if match is None:
        raise ValueError(f"not a datetime string: {text!r}")
    separator, fraction, offset = match.groups()
    fraction = "." + "f" * (len(fraction) - 1) if fraction else ""
    return f"YYYY-MM-DD{separator}hh:mm:ss{fraction}{offset}"
