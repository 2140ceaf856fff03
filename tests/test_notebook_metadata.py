"""Every notebook's metadata is clean (``make notebooks`` cleans it after each refresh)."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from course.maintain import hygiene

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"


@pytest.mark.parametrize("name", sorted(path.name for path in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")))
def test_notebook_metadata_is_clean(name: str) -> None:
    assert hygiene.problems(json.loads((NOTEBOOKS / name).read_text())) == []


def _code(count: int | None, *outputs: dict[str, Any], **metadata: Any) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": count,
        "metadata": metadata,
        "outputs": list(outputs),
        "source": "print(1)",
    }


def _clean_notebook() -> dict[str, Any]:
    png = {
        "output_type": "execute_result",
        "execution_count": 2,
        "data": {"image/png": "iVBOR", "text/plain": "<Image>"},
        "metadata": {"image/png": {"width": 100}},
    }
    return {
        "metadata": {"kernelspec": dict(hygiene.KERNELSPEC), "language_info": {"name": "python"}},
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": "# Title"},
            _code(1, {"output_type": "stream", "name": "stdout", "text": "1\n"}),
            _code(2, png, jupyter={"source_hidden": True}, tags=["solution"]),
        ],
    }


def test_a_clean_notebook_has_no_problems() -> None:
    assert hygiene.problems(_clean_notebook()) == []


def test_every_kind_of_dirt_is_named() -> None:
    notebook = _clean_notebook()
    notebook["metadata"]["kernelspec"] = {"name": "venv", "display_name": "venv"}
    notebook["metadata"]["widgets"] = {"state": {}}
    notebook["cells"][0]["outputs"] = []
    widget = {
        "output_type": "display_data",
        "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "x"}},
        "metadata": {"isolated": True},
    }
    error = {"output_type": "error", "ename": "ValueError", "evalue": "", "traceback": []}
    notebook["cells"] += [
        _code(7, widget, execution={"iopub.status.busy": "2026-01-01"}),
        _code(4, error, jupyter={"source_hidden": True, "outputs_hidden": True, "x": 1}),
        {**_code(5), "source": "# NBVAL_SKIP\nx = 1"},
        {**_code(6), "source": "# NBVAL_IGNORE_OUTPUT\nprint(elapsed)"},
        _code(7, tags=["raises-exception"]),
        _code(8, {"output_type": "display_data", "data": {"image/png": "iVBOR"}, "metadata": {}}),
    ]
    assert hygiene.problems(notebook) == [
        "kernelspec is {'name': 'venv', 'display_name': 'venv'}, not python3",
        "notebook metadata 'widgets' (e.g. widget state) is not kept",
        "cell 0: a markdown cell with outputs",
        "cell 3: metadata 'execution' (timing, widgets, ...) is not kept",
        "cell 3: execution count 7, not 3",
        "cell 3: output 'application/vnd.jupyter.widget-view+json', which nbval does not compare",
        "cell 3: output metadata 'isolated'",
        "cell 4: metadata jupyter.x is not kept",
        "cell 4: collapsed is not outputs_hidden, as JupyterLab would save it",
        "cell 4: an error output (ValueError)",
        "cell 5: an nbval marker that skips the comparison",
        "cell 6: NBVAL_IGNORE_OUTPUT on a cell that asserts nothing",
        "cell 7: tag 'raises-exception' keeps nbval from comparing the cell",
        "cell 8: an image with no text/plain beside it for nbval to compare",
    ]


def test_clean_puts_right_what_a_refresh_leaves_and_keeps_the_rest() -> None:
    notebook = _clean_notebook()
    expected = copy.deepcopy(notebook)
    notebook["metadata"]["kernelspec"] = {"name": "python3-venv"}
    notebook["metadata"]["widgets"] = {"state": {}}
    notebook["cells"][1]["metadata"]["execution"] = {"iopub.execute_input": "2026"}
    notebook["cells"][1]["metadata"]["jupyter"] = {"outputs_hidden": False, "x": 1}
    notebook["cells"][2]["outputs"][0]["metadata"]["transient"] = {}
    hygiene.clean(notebook)
    expected["cells"][1]["metadata"]["jupyter"] = {"outputs_hidden": False}
    assert notebook == expected
    notebook["cells"][1]["metadata"]["jupyter"] = {"x": 1}
    hygiene.clean(notebook)
    assert "jupyter" not in notebook["cells"][1]["metadata"]
    assert hygiene.problems(notebook) == []


def test_outputs_hidden_goes_with_collapsed_as_jupyterlab_saves_it() -> None:
    notebook = _clean_notebook()
    solution = notebook["cells"][2]
    solution["metadata"]["jupyter"]["outputs_hidden"] = True
    assert hygiene.problems(notebook) == [
        "cell 2: collapsed is not outputs_hidden, as JupyterLab would save it"
    ]
    hygiene.clean(notebook)
    assert solution["metadata"]["collapsed"] is True
    assert hygiene.problems(notebook) == []
    solution["metadata"]["jupyter"]["outputs_hidden"] = False  # expanded: collapsed must go
    assert hygiene.problems(notebook) != []
    hygiene.clean(notebook)
    assert "collapsed" not in solution["metadata"] and hygiene.problems(notebook) == []


def test_the_command_line_names_the_dirty_notebook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clean, dirty = tmp_path / "clean.ipynb", tmp_path / "dirty.ipynb"
    clean.write_text(json.dumps(_clean_notebook()))
    hygiene.main([str(clean)])
    notebook = _clean_notebook()
    notebook["metadata"]["widgets"] = {}
    dirty.write_text(json.dumps(notebook))
    with pytest.raises(SystemExit):
        hygiene.main([str(clean), str(dirty)])
    assert capsys.readouterr().out == (
        f"{dirty}: notebook metadata 'widgets' (e.g. widget state) is not kept\n"
    )
