"""Clean notebook metadata: what ``tests/test_notebook_metadata.py`` checks, and what
``make notebooks`` (:mod:`course.maintain.refresh`) puts right after every refresh.

A notebook stores only what a reviewer should read and what nbval compares: the ``python3``
kernel, no per-cell timing, no widget state, execution counts 1, 2, 3, ... in order (one
Restart and Run All), and outputs only on cells that ran, of kinds that strict nbval compares.
"""

import re
import sys
from pathlib import Path
from typing import Any

# What JupyterLab 4 itself writes on save: ipykernel's kernelspec, and "collapsed" beside every
# "outputs_hidden" (so opening and saving a lesson changes nothing in it).
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
NOTEBOOK_METADATA = {"kernelspec", "language_info"}
# jupyter: JupyterLab's collapsed source/outputs; tags: "solution", myst-nb's hide-* tags.
CELL_METADATA = {"jupyter", "tags", "collapsed"}
JUPYTER_KEYS = {"source_hidden", "outputs_hidden"}
# nbval compares every data key but these (and a PNG only through the text/plain beside it).
COMPARED_MIMETYPES = {"text/plain", "text/markdown", "text/html", "text/latex", "application/json"}
IMAGE_MIMETYPES = {"image/png", "image/jpeg"}
# Markers that make nbval skip a cell or accept its failure; IGNORE_OUTPUT is allowed on a
# cell that prints raw timings and still asserts on them.
FORBIDDEN_MARKERS = re.compile(r"NBVAL_SKIP|NBVAL_RAISES_EXCEPTION|NBVAL_CHECK_OUTPUT")
FORBIDDEN_TAGS = {"nbval-skip", "raises-exception", "nbval-raises-exception", "skip-execution"}


def problems(notebook: dict[str, Any]) -> list[str]:
    """What is not clean in ``notebook`` (the JSON as stored), one line each."""
    found = []
    metadata = notebook.get("metadata", {})
    if metadata.get("kernelspec") != KERNELSPEC:
        found.append(f"kernelspec is {metadata.get('kernelspec')!r}, not python3")
    for key in sorted(set(metadata) - NOTEBOOK_METADATA):
        found.append(f"notebook metadata {key!r} (e.g. widget state) is not kept")
    count = 0
    for index, cell in enumerate(notebook.get("cells", [])):
        where = f"cell {index}"
        cell_metadata = cell.get("metadata", {})
        for key in sorted(set(cell_metadata) - CELL_METADATA):
            found.append(f"{where}: metadata {key!r} (timing, widgets, ...) is not kept")
        for key in sorted(set(cell_metadata.get("jupyter", {})) - JUPYTER_KEYS):
            found.append(f"{where}: metadata jupyter.{key} is not kept")
        hidden = bool(cell_metadata.get("jupyter", {}).get("outputs_hidden"))
        if cell["cell_type"] == "code" and cell_metadata.get("collapsed", False) != hidden:
            found.append(f"{where}: collapsed is not outputs_hidden, as JupyterLab would save it")
        for tag in sorted(set(cell_metadata.get("tags", [])) & FORBIDDEN_TAGS):
            found.append(f"{where}: tag {tag!r} keeps nbval from comparing the cell")
        if cell["cell_type"] != "code":
            if "outputs" in cell or "execution_count" in cell:
                found.append(f"{where}: a {cell['cell_type']} cell with outputs")
            continue
        source = "".join(cell.get("source", ""))
        if FORBIDDEN_MARKERS.search(source):
            found.append(f"{where}: an nbval marker that skips the comparison")
        if "NBVAL_IGNORE_OUTPUT" in source and "assert" not in source:
            found.append(f"{where}: NBVAL_IGNORE_OUTPUT on a cell that asserts nothing")
        count += 1
        if cell.get("execution_count") != count:
            found.append(f"{where}: execution count {cell.get('execution_count')}, not {count}")
        found += [f"{where}: {problem}" for problem in _output_problems(cell)]
    return found


def _output_problems(cell: dict[str, Any]) -> list[str]:
    found = []
    for output in cell.get("outputs", []):
        kind = output["output_type"]
        if kind == "error":
            found.append(f"an error output ({output.get('ename')})")
            continue
        if kind == "stream":
            continue
        if output.get("execution_count", cell["execution_count"]) != cell["execution_count"]:
            found.append("an output whose execution count is not its cell's")
        data = set(output.get("data", {}))
        for mimetype in sorted(data - COMPARED_MIMETYPES - IMAGE_MIMETYPES):
            found.append(f"output {mimetype!r}, which nbval does not compare")
        if data & IMAGE_MIMETYPES and "text/plain" not in data:
            found.append("an image with no text/plain beside it for nbval to compare")
        for key in sorted(set(output.get("metadata", {})) - IMAGE_MIMETYPES):
            found.append(f"output metadata {key!r}")
    return found


def clean(notebook: dict[str, Any]) -> None:
    """Put right what a refresh may leave behind (``problems`` reports the rest)."""
    metadata = notebook.setdefault("metadata", {})
    metadata["kernelspec"] = dict(KERNELSPEC)
    for key in set(metadata) - NOTEBOOK_METADATA:
        del metadata[key]
    for cell in notebook.get("cells", []):
        cell_metadata = cell.setdefault("metadata", {})
        for key in set(cell_metadata) - CELL_METADATA:
            del cell_metadata[key]
        jupyter = cell_metadata.get("jupyter")
        if jupyter is not None:
            for key in set(jupyter) - JUPYTER_KEYS:
                del jupyter[key]
            if not jupyter:
                del cell_metadata["jupyter"]
        cell_metadata.pop("collapsed", None)
        if cell.get("cell_type") == "code" and cell_metadata.get("jupyter", {}).get(
            "outputs_hidden"
        ):
            cell_metadata["collapsed"] = True
        for output in cell.get("outputs", []):
            output_metadata = output.get("metadata")
            if output_metadata:
                for key in set(output_metadata) - IMAGE_MIMETYPES:
                    del output_metadata[key]


def main(arguments: list[str]) -> None:
    """``python -m course.maintain.hygiene NOTEBOOK...``: report, exit 1 if not clean."""
    import json

    dirty = False
    for argument in arguments:
        for problem in problems(json.loads(Path(argument).read_text())):
            dirty = True
            print(f"{argument}: {problem}")
    if dirty:
        raise SystemExit(1)


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
