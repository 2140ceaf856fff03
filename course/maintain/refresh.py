"""``make notebooks``: re-execute notebooks in place to refresh their stored outputs."""

import sys
import time
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbval.plugin import coalesce_streams

from course.maintain.hygiene import clean
from course.maintain.nbval_ipc import IpcKernelManager


def notebook_client(path: Path, *, timeout: int) -> tuple[Any, NotebookClient]:
    """The notebook at ``path`` and a client that runs it in its own folder (as nbval does),
    on a kernel over IPC, without timing metadata, killed at the end as nbval kills its own."""
    notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        kernel_manager_class=IpcKernelManager,
        record_timing=False,
        store_widget_state=False,
        shutdown_kernel="immediate",
        resources={"metadata": {"path": str(path.parent)}},
    )
    return notebook, client


def refresh_notebook(path: Path, *, timeout: int = 300) -> float:
    """Re-execute a notebook in place; returns seconds. Only what the cells print changes,
    a cell's stdout (or stderr) is stored in one piece however it arrived, and the metadata
    is cleaned as ``tests/test_notebook_metadata.py`` wants it (:func:`hygiene.clean`)."""
    notebook, client = notebook_client(path, timeout=timeout)
    started = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - started
    for cell in notebook.cells:
        if cell.cell_type == "code":  # stored as nbval compares them: one stream per name
            cell.outputs = coalesce_streams(cell.outputs)
    clean(notebook)
    nbformat.write(notebook, path)  # type: ignore[no-untyped-call]
    return elapsed


def main(arguments: list[str]) -> None:
    for argument in arguments:
        seconds = refresh_notebook(Path(argument))
        print(f"{argument}: {seconds:.1f}s")


if __name__ == "__main__":  # pragma: no cover - `make notebooks`
    main(sys.argv[1:])
