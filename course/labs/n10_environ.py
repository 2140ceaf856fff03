"""Environment variables for one block of a notebook cell, restored afterwards."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

PREFIX = "PLAYGROUND_"


@contextmanager
def environ(**values: str) -> Iterator[None]:
    """Set ``values`` for the block, hide every other ``PLAYGROUND_*`` variable, restore all after.

    Hiding the rest makes a cell print the same thing whatever the shell that started the kernel
    had set (pytest's ``monkeypatch.setenv`` does the same job in tests).
    """
    names = {name for name in os.environ if name.upper().startswith(PREFIX)}
    saved = {name: os.environ.get(name) for name in names | set(values)}
    for name in saved:
        os.environ.pop(name, None)
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
