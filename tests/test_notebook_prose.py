"""Prose quotes what its output shows (issue 21, DESIGN.md §5).

Every figure with a unit of measure in a notebook's markdown (a time, a size, a ratio, a share,
a rate) must be printed by one of that notebook's stored outputs: the same quantity, in any unit
of its kind, to the precision the prose gives. A figure no cell prints is either a constant the
prose is allowed to name (a version, a setting's default, a limit the code sets), listed below
with its reason, or a claim the prose should not make: say the range a cell asserts instead.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from course.labs import n07_timeline as timeline
from course.labs import n21_blocking as blocking_lab
from playground.domains.notifications.config import NotificationsConfig
from playground.domains.notifications.constants import ENQUEUE_TIMEOUT_SECONDS

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"

# unit -> (kind, how many of the kind's base unit it is)
UNITS: dict[str, tuple[str, Decimal]] = {
    "ns": ("time", Decimal("1e-9")),
    "µs": ("time", Decimal("1e-6")),
    "us": ("time", Decimal("1e-6")),
    "마이크로초": ("time", Decimal("1e-6")),
    "ms": ("time", Decimal("1e-3")),
    "밀리초": ("time", Decimal("1e-3")),
    "s": ("time", Decimal(1)),
    "sec": ("time", Decimal(1)),
    "seconds": ("time", Decimal(1)),
    "초": ("time", Decimal(1)),
    "B": ("size", Decimal(1)),
    "KB": ("size", Decimal(1000)),
    "kB": ("size", Decimal(1000)),
    "KiB": ("size", Decimal(1024)),
    "MB": ("size", Decimal(1000**2)),
    "MiB": ("size", Decimal(1024**2)),
    "GB": ("size", Decimal(1000**3)),
    "GiB": ("size", Decimal(1024**3)),
    "×": ("ratio", Decimal(1)),
    "x": ("ratio", Decimal(1)),
    "배": ("ratio", Decimal(1)),
    "%": ("share", Decimal(1)),
    "req/s": ("rate", Decimal(1)),
    "rps": ("rate", Decimal(1)),
}
_UNIT = "|".join(sorted((re.escape(unit) for unit in UNITS), key=len, reverse=True))
FIGURE = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s?"
    rf"({_UNIT})(?![A-Za-z0-9/])(?!포)"  # 배포 (a deployment) is no ratio
)
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
_HEADING_NUMBER = re.compile(r"^(#+\s+)[\d.]+\s", re.MULTILINE)


@dataclass(frozen=True)
class Allowed:
    """A figure the prose may name although no output prints it, and where it comes from."""

    reason: str
    value: Callable[[], float]  # the constant itself, in seconds or as a ratio


def _test_queue_bound() -> float:
    source = (Path(__file__).parent / "domains" / "notifications" / "test_queue.py").read_text()
    return 1.9 if "assert second_wait >= 1.9" in source else float("nan")


# (notebook, cell id, figure as written) -> why the prose may name it
ALLOWED: dict[tuple[str, str, str], Allowed] = {
    ("07_async_routes", "c010", "5 ms"): Allowed(
        "how often timeline.burst looks at the thread limiter", lambda: timeline.WATCH_EVERY
    ),
    ("07_async_routes", "c018", "10 ms"): Allowed(
        "when timeline.cpu_burst sends the quick request", lambda: timeline.QUICK_AFTER
    ),
    ("21_finding_blocking_code", "n21-19", "5 ms"): Allowed(
        "how often threads_at_once looks at the limiter", lambda: blocking_lab.WATCH_EVERY
    ),
    ("22_task_queue", "7865b8b4", "2배"): Allowed(
        "RETRY_BACKOFF's default",
        lambda: NotificationsConfig.model_fields["RETRY_BACKOFF"].default,
    ),
    ("22_task_queue", "f876bbb8", "1.9초"): Allowed(
        "the bound the worker test asserts (tests/domains/notifications/test_queue.py)",
        _test_queue_bound,
    ),
    ("22_task_queue", "4df43445", "5초"): Allowed(
        "how long a request waits for the queue before its 503", lambda: ENQUEUE_TIMEOUT_SECONDS
    ),
}


@dataclass(frozen=True)
class Figure:
    text: str  # as written
    value: Decimal  # in the base unit of its kind
    kind: str
    step: Decimal  # the precision it is written to, in the base unit
    context: str = ""


def _figures(text: str) -> list[Figure]:
    found = []
    for match in FIGURE.finditer(text):
        number, unit = match.group(1).replace(",", ""), match.group(2)
        kind, scale = UNITS[unit]
        exponent = Decimal(number).as_tuple().exponent
        assert isinstance(exponent, int)
        context = text[max(0, match.start() - 30) : match.end() + 30].replace("\n", " ")
        step = Decimal(10) ** exponent * scale
        found.append(Figure(match.group(0), Decimal(number) * scale, kind, step, context))
    return found


def prose_figures(markdown: str) -> list[Figure]:
    """The figures with a unit in a markdown cell's prose (not in its code, not heading numbers)."""
    return _figures(_HEADING_NUMBER.sub(r"\1", _CODE.sub(" ", markdown)))


def output_figures(text: str) -> list[Figure]:
    return _figures(text)


def matches(figure: Figure, printed: list[Figure]) -> bool:
    """Whether an output prints ``figure``: the same kind, equal once rounded to its precision."""
    return any(
        seen.kind == figure.kind
        and abs(seen.value - figure.value) <= figure.step / 2 + Decimal("1e-15")
        for seen in printed
    )


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def notebook_outputs(notebook: dict[str, Any]) -> str:
    """Everything the notebook's code cells printed, as stored: streams, results, tables."""
    texts = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            texts.append(_text(output.get("text", "")))
            data = output.get("data", {})
            for kind in ("text/plain", "text/markdown", "text/html"):
                texts.append(re.sub(r"<[^>]+>", " ", _text(data.get(kind, ""))))
    return "\n".join(texts)


def markdown_cells(notebook: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (str(cell.get("id", "")), _text(cell["source"]))
        for cell in notebook["cells"]
        if cell["cell_type"] == "markdown"
    ]


def unshown(notebook: dict[str, Any], name: str) -> list[str]:
    """Each figure of the prose that no output shows and the allow-list does not name."""
    printed = output_figures(notebook_outputs(notebook))
    return [
        f"{cell}: {figure.text!r} in “{figure.context.strip()}”"
        for cell, text in markdown_cells(notebook)
        for figure in prose_figures(text)
        if (name, cell, figure.text) not in ALLOWED and not matches(figure, printed)
    ]


def _notebook(markdown: str, printed: str) -> dict[str, Any]:
    return {
        "cells": [
            {"cell_type": "markdown", "id": "m", "source": markdown},
            {
                "cell_type": "code",
                "id": "c",
                "source": "",
                "outputs": [{"output_type": "stream", "name": "stdout", "text": printed}],
            },
        ]
    }


def test_an_invented_figure_is_caught() -> None:
    invented = _notebook("N+1은 약 410 ms가 걸렸습니다.", "n+1: 926.3 ms\njoin: 12.0 ms\n")
    assert unshown(invented, "99_invented") == ["m: '410 ms' in “N+1은 약 410 ms가 걸렸습니다.”"]


@pytest.mark.parametrize(
    ("prose", "printed"),
    [
        ("약 926 ms", "n+1: 926.3 ms"),  # rounded to the precision the prose gives
        ("0.93초", "took 0.926s"),  # another unit of the same kind
        ("1,000 ms", "1.0 s"),
        ("3.4배", "ratio 3.4x"),
        ("51%", "took 51% of 5 x delay"),
        ("`time.sleep(0.2)` 0.2 s", "0.20 s"),
    ],
)
def test_a_figure_an_output_prints_passes(prose: str, printed: str) -> None:
    assert unshown(_notebook(prose, printed), "99_invented") == []


@pytest.mark.parametrize(
    ("prose", "printed"),
    [
        ("0.6 ms", "1.36 ms"),
        ("3.5 ms", "3.5 s"),  # the same digits, another quantity
        ("40%", "40 threads"),  # the same number, no unit of its kind
        ("2배", "2.6x"),
    ],
)
def test_a_figure_no_output_prints_fails(prose: str, printed: str) -> None:
    assert len(unshown(_notebook(prose, printed), "99_invented")) == 1


def test_code_heading_numbers_and_counts_are_no_figures() -> None:
    markdown = "### 3.5 배포 환경\n`DELAY = 0.2`초로 두고, 요청 60개를 07번에서 보냈습니다."
    assert prose_figures(markdown) == []


@pytest.mark.parametrize("key", sorted(ALLOWED), ids="/".join)
def test_an_allowed_figure_is_written_and_is_what_the_code_says(key: tuple[str, str, str]) -> None:
    name, cell, written = key
    notebook = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text())
    written_there = [
        figure
        for cell_id, text in markdown_cells(notebook)
        if cell_id == cell
        for figure in prose_figures(text)
        if figure.text == written
    ]
    assert written_there, f"{name} {cell}: {written!r} is allowed but no longer written"
    figure = written_there[0]
    constant = Decimal(str(ALLOWED[key].value()))
    assert abs(constant - figure.value) <= figure.step / 2, (
        f"{name} {cell}: {written!r}, but {ALLOWED[key].reason} is {constant}"
    )


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem)
def test_prose_quotes_only_what_its_outputs_show(path: Path) -> None:
    notebook = json.loads(path.read_text())
    assert unshown(notebook, path.stem) == []
