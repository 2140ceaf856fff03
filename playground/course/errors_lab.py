"""Notebook 18's plumbing: a client that sees a 500 as a client does, a child interpreter
(with or without ``-O``), and a small domain function whose ``ValueError`` a lesson maps."""

import json
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date

import httpx
from fastapi import FastAPI

from playground.course.playground import BASE_URL


@asynccontextmanager
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process client whose server errors come back as responses (a 500), not raised.

    ``httpx.ASGITransport`` re-raises whatever the app raised by default
    (``raise_app_exceptions=True``); a real client only ever sees the response.
    """
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as lab_client:
        yield lab_client


def surrogate_body(**fields: object) -> bytes:
    """A JSON body with ``\\uXXXX`` escapes kept as is (httpx's ``json=`` cannot encode a lone
    surrogate, a client in another language can send one)."""
    return json.dumps(fields).encode()


def run_python(code: str, *, optimize: bool = False) -> str:
    """Run ``code`` in a child of this interpreter (``python -O`` if asked); its stdout."""
    flags = ["-O"] if optimize else []
    done = subprocess.run(
        [sys.executable, *flags, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def run_python_both(code: str) -> dict[str, str]:
    """``code`` under ``python`` and ``python -O`` at once; each one's stdout."""
    flags = {"python": [], "python -O": ["-O"]}
    children = {
        name: subprocess.Popen(
            [sys.executable, *extra, "-c", code],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, extra in flags.items()
    }
    out: dict[str, str] = {}
    for name, child in children.items():
        stdout, stderr = child.communicate(timeout=60)
        if child.returncode != 0:
            raise RuntimeError(f"{name} failed: {stderr.strip()}")
        out[name] = stdout.strip()
    return out


def parse_period(text: str) -> tuple[date, date]:
    """``"2026-01-01..2026-01-31"`` as two dates; ``ValueError`` for anything else.

    A domain function: it knows nothing of HTTP, so it says "wrong" the Python way.
    """
    start, separator, end = text.partition("..")
    if not separator:
        raise ValueError("a period is 'YYYY-MM-DD..YYYY-MM-DD'")
    first, last = date.fromisoformat(start), date.fromisoformat(end)  # ValueError on 2026-13-01
    if first > last:
        raise ValueError(f"the period starts after it ends ({first} > {last})")
    return first, last
