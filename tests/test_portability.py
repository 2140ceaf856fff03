"""What the learner's path runs (`course/`, `playground/`, the notebooks' code) holds no POSIX-only
call beyond the ones listed here, each with the reason a lesson or a maintainer needs it.

The learner's commands are the same on Windows, macOS and Linux (`uv run python -m course lab`),
so a call that exists only on POSIX (``os.fork``, ``fcntl``, Unix sockets, ``SIGKILL``,
``/bin/sh``, ``.venv/bin`` paths, ``os.getuid``...) must either be made portable or be listed
below. A new one fails this test; so does a listed one that is gone (the list stays true).
"""

import ast
import json
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).parents[1]

# Attributes that POSIX has and Windows lacks (or, for os.kill, that mean something else there).
POSIX_ATTRIBUTES = {
    "os": {"fork", "forkpty", "getuid", "geteuid", "getgid", "getegid", "setsid", "killpg"}
    | {"getpgid", "setpgid", "wait3", "wait4", "kill"},
    "signal": {"SIGKILL", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGCHLD", "SIGQUIT"},
    "socket": {"AF_UNIX"},
}
POSIX_MODULES = {"fcntl", "pwd", "grp", "termios", "tty", "pty", "resource"}
POSIX_KEYWORDS = {"preexec_fn", "start_new_session", "pass_fds"}
POSIX_STRINGS = ("/bin/sh", "/bin/bash", ".venv/bin")
# A child's signal that Popen.send_signal cannot send on Windows (it knows SIGTERM and CTRL_*).
POSIX_SENT_SIGNALS = {"SIGINT"}

# (file, call) -> why it stays.
ALLOWED = {
    ("course/maintain/nbval_ipc.py", '"ipc"'): (
        "nbval's kernels over Unix sockets, where zmq has IPC (zmq.has('ipc')): no TCP port to "
        "race for under pytest -n auto; elsewhere the plugin leaves nbval's TCP kernels. Notebook "
        "00 and make test load it"
    ),
    ("course/learner/progress.py", '"ipc"'): (
        "the learner's progress table runs each lesson in a kernel on Unix sockets on POSIX (no "
        "port race, nothing on the network); on Windows, jupyter_client's TCP on loopback"
    ),
    ("course/labs/n22_worker.py", "send_signal(signal.SIGINT)"): (
        "lesson 22 stops huey's consumer gracefully (the running task completes), which is what "
        "it teaches; huey's Windows stop is CTRL_BREAK_EVENT to a new process group: not ported"
    ),
    ("course/maintain/lab_server.py", "os.killpg"): (
        "the maintainer's browser test of the learner's loop (make test on Linux CI) stops "
        "JupyterLab and its kernels as one process group; no learner runs it"
    ),
    ("course/maintain/lab_server.py", "signal.SIGKILL"): (
        "the maintainer's browser test of the learner's loop (make test on Linux CI) stops "
        "JupyterLab and its kernels as one process group; no learner runs it"
    ),
    ("course/maintain/lab_server.py", "start_new_session="): (
        "the maintainer's browser test of the learner's loop (make test on Linux CI) stops "
        "JupyterLab and its kernels as one process group; no learner runs it"
    ),
}


def _sources() -> Iterator[tuple[str, str]]:
    """(where, Python source) of every module and notebook code cell on the learner's path."""
    for package in ("course", "playground"):
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), path.read_text()
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(notebook.read_text())["cells"]:
            if cell["cell_type"] == "code":
                yield f"notebooks/{notebook.name}", "".join(cell["source"])


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def posix_calls(source: str) -> set[str]:
    """The POSIX-only calls, imports and paths in one source (docstrings and comments aside)."""
    flags = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    tree = compile(source, "<source>", "exec", flags=flags, dont_inherit=True)
    docstrings = _docstrings(tree)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.attr in POSIX_ATTRIBUTES.get(node.value.id, ()):
                found.add(f"{node.value.id}.{node.attr}")
        elif isinstance(node, ast.Import):
            found |= {f"import {a.name}" for a in node.names if a.name in POSIX_MODULES}
        elif isinstance(node, ast.ImportFrom) and node.module in POSIX_MODULES:
            found.add(f"import {node.module}")
        elif isinstance(node, ast.keyword) and node.arg in POSIX_KEYWORDS:
            found.add(f"{node.arg}=")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in docstrings:
                continue
            found |= {text for text in POSIX_STRINGS if text in node.value}
            if node.value == "ipc":
                found.add('"ipc"')
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "send_signal"
            and node.args
        ):
            signal = ast.unparse(node.args[0])
            if signal.removeprefix("signal.") in POSIX_SENT_SIGNALS:
                found.add(f"send_signal({signal})")
    return found


def test_the_scan_finds_each_kind_of_posix_call() -> None:
    source = '''
"""A docstring may say .venv/bin/ruff."""
import fcntl
import os, signal, socket, subprocess
os.fork(); os.getuid(); signal.SIGKILL; socket.AF_UNIX
subprocess.run(["/bin/sh", "-c", "true"], start_new_session=True)
subprocess.Popen([".venv/bin/python"]).send_signal(signal.SIGINT)
transport = "ipc"
await something()  # a notebook cell may await at top level
'''
    assert posix_calls(source) == {
        "import fcntl",
        "os.fork",
        "os.getuid",
        "signal.SIGKILL",
        "socket.AF_UNIX",
        "/bin/sh",
        "start_new_session=",
        ".venv/bin",
        "send_signal(signal.SIGINT)",
        '"ipc"',
    }
    assert posix_calls("import getpass\ngetpass.getuser()\nprocess.terminate()") == set()


def test_the_learners_path_has_no_posix_only_call_beyond_the_listed_ones() -> None:
    found = {(where, call) for where, source in _sources() for call in posix_calls(source)}
    new = sorted(found - ALLOWED.keys())
    assert not new, f"POSIX-only, and not in ALLOWED with a reason: {new}"
    gone = sorted(ALLOWED.keys() - found)
    assert not gone, f"listed in ALLOWED but no longer there: {gone}"
