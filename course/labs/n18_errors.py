"""Notebook 18's plumbing: a domain helper raising ``ValueError``; ``python -O`` children."""

import asyncio
import json
import sys
from dataclasses import dataclass
from pathlib import Path

SORT_FIELDS = frozenset({"created_at", "title"})
CHILD = Path(__file__).with_name("n18_errors_child.py")


@dataclass(frozen=True)
class SortOrder:
    field: str
    descending: bool


def parse_sort(raw: str) -> SortOrder:
    """``"title:asc"`` as a ``SortOrder``; ``ValueError`` for anything else (a domain helper)."""
    field, _, direction = raw.partition(":")
    if field not in SORT_FIELDS:
        raise ValueError(f"unknown sort field {field!r}")
    if direction not in {"asc", "desc"}:
        raise ValueError(f"sort direction must be 'asc' or 'desc', not {direction!r}")
    return SortOrder(field=field, descending=direction == "desc")


async def run_child(*, optimize: bool) -> dict[str, str]:
    """Run ``errors_child.py`` in a new interpreter (with ``-O`` or not); what it reports."""
    flags = ["-O"] if optimize else []
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *flags,
        str(CHILD),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={"PATH": "", "PYTHONDONTWRITEBYTECODE": "1"},
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(err.decode())
    report: dict[str, str] = json.loads(out)
    return report


async def with_and_without_optimize() -> dict[str, dict[str, str]]:
    """Both children at once: ``{"python": ..., "python -O": ...}``."""
    plain, optimized = await asyncio.gather(run_child(optimize=False), run_child(optimize=True))
    return {"python": plain, "python -O": optimized}
