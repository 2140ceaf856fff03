"""The canary's report: each package's pinned and newest version, and what the newest changed."""

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from packaging.version import InvalidVersion
from packaging.version import parse as parse_version

WATCHED = ("fastapi", "pydantic", "sqlalchemy", "httpx", "starlette", "pydantic-core")


DIFF_LINES = 12


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class Failure:
    """One failed test or notebook cell, as the suite reported it."""

    nodeid: str
    when: str
    text: str

    @property
    def is_cell(self) -> bool:
        return ".ipynb::" in self.nodeid


@dataclass(frozen=True)
class Version:
    name: str
    pinned: str | None
    tried: str | None
    direct: bool

    @property
    def moved(self) -> bool:
        return self.pinned != self.tried

    @property
    def change(self) -> str:
        """``newer``, ``older``, ``not installed``, ``not pinned`` or nothing."""
        if self.pinned is None:
            return "not pinned"
        if self.tried is None:
            return "not installed"
        if not self.moved:
            return ""
        try:
            newer = parse_version(self.tried) > parse_version(self.pinned)
        except InvalidVersion:
            return "changed"
        return "newer" if newer else "older"


def output_diff(text: str, *, lines: int = DIFF_LINES) -> list[str]:
    """The first lines of what differs: nbval's output diff, or the error of a test."""
    plain = _ANSI.sub("", text)
    rows = plain.splitlines()
    for marker in ("assert reference_output == test_output failed:", "Cell outputs differ"):
        if marker in plain:
            start = next(i for i, row in enumerate(rows) if marker in row)
            mismatch = [row.strip() for row in rows if row.strip().startswith("mismatch ")]
            body = [
                row[2:] if row.startswith("  ") else row
                for row in rows[start + 1 :]
                if row.strip() and not row.strip().startswith(("Skipping ", "Use -v", "Full diff"))
            ]
            diff = [_flip(row) for row in body if row[:2] in {"- ", "+ ", "? ", "  "}] or body
            return (mismatch[:1] + diff)[:lines]
    errors = [row for row in rows if row.startswith("E ")]
    if errors:
        return [row[1:].strip() for row in errors][:lines]
    return [row for row in rows if row.strip()][-lines:]


def _flip(row: str) -> str:
    """nbval asserts ``reference == test`` and pytest marks the right side ``-``: turn it into
    a diff that reads stored (``-``) to new (``+``)."""
    signs = {"- ": "+ ", "+ ": "- "}
    return signs[row[:2]] + row[2:] if row[:2] in signs else row


def read_failures(path: Path) -> list[Failure]:
    if not path.exists():
        return []
    failures = [Failure(**json.loads(line)) for line in path.read_text().splitlines() if line]
    return sorted(failures, key=lambda failure: (not failure.is_cell, failure.nodeid))


def write_report(
    path: Path,
    *,
    rows: list[Version],
    failures: list[Failure],
    exit_code: int,
    seconds: float,
    python: str,
    when: datetime,
) -> str:
    """Write the report; returns its text."""
    cells = [failure for failure in failures if failure.is_cell]
    tests = [failure for failure in failures if not failure.is_cell]
    moved = [row for row in rows if row.moved]
    verdict = (
        "**Nothing changed**: the whole suite passes on the newest releases."
        if exit_code == 0 and not failures
        else f"**The suite fails on the newest releases** (pytest exit {exit_code}): "
        f"{len(tests)} test(s) and {len(cells)} notebook cell(s) changed."
    )
    lines = [
        "# `make test-latest`: the newest releases against the pins",
        "",
        f"{when:%Y-%m-%d %H:%M} UTC, Python {python}, {seconds:.0f} s. "
        "The pins (`requirements/`) were not touched.",
        "",
        verdict,
        "",
        "## Versions tried",
        "",
        f"{len(moved)} of {len(rows)} packages differ from their pin"
        + (f" (watched: {', '.join(_watched(moved)) or 'none moved'})." if rows else "."),
        "",
        "| package | pinned | tried | |",
        "|---|---|---|---|",
    ]
    for row in rows:
        if row.direct or row.moved:
            mark = (f"**{row.change}**" if row.moved else "") + (
                "" if row.direct else " (indirect)"
            )
            lines.append(f"| {row.name} | {row.pinned or '—'} | {row.tried or '—'} | {mark} |")
    lines += ["", "## What changed", ""]
    if not failures:
        lines.append("No test and no notebook cell changed.")
    for title, group in (("Notebook cells", cells), ("Tests", tests)):
        if not group:
            continue
        lines += [f"### {title} ({len(group)})", ""]
        if group is cells:
            lines += ["`-` the stored output (what the pins print), `+` the newest releases'.", ""]
        for failure in group:
            suffix = "" if failure.when == "call" else f" (in {failure.when})"
            lines += [f"- `{failure.nodeid}`{suffix}", "", "  ```diff"]
            lines += [f"  {row}" for row in output_diff(failure.text)]
            lines += ["  ```", ""]
    text = "\n".join(lines).rstrip() + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return text


def _watched(rows: list[Version]) -> list[str]:
    return [f"{row.name} {row.pinned} → {row.tried}" for row in rows if row.name in WATCHED]
