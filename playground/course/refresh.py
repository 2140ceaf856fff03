"""``make notebooks``: re-execute notebooks in place to refresh their stored outputs."""

import sys
import time
from pathlib import Path


def refresh_notebook(path: Path, *, timeout: int = 300) -> float:
    """Re-execute a notebook in place, in its own folder (as nbval does); returns seconds.

    No timing metadata is written, so a refresh changes only what the cells print.
    """
    import nbformat
    from nbclient import NotebookClient

    from playground.course.nbval_ipc import IpcKernelManager

    notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        kernel_manager_class=IpcKernelManager,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    started = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - started
    nbformat.write(notebook, path)  # type: ignore[no-untyped-call]
    return elapsed


def main(arguments: list[str]) -> None:
    for argument in arguments:
        seconds = refresh_notebook(Path(argument))
        print(f"{argument}: {seconds:.1f}s")


if __name__ == "__main__":  # pragma: no cover - `make notebooks`
    main(sys.argv[1:])
