"""Import rules made visible: which package imports which, and the layering contract, run."""

import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import course
import playground

PACKAGE = Path(playground.__file__).parent
PROJECT = PACKAGE.parent  # holds pyproject.toml and its [tool.importlinter] contracts
HARNESS = Path(course.__file__).parent  # course/, beside the app
_COLOURS = re.compile(r"\x1b\[[0-9;]*m")


def package_of(module: str) -> str | None:
    """The domain package a module belongs to: ``x.domains.posts.router`` -> ``domains.posts``.

    ``x.auth.service`` -> ``auth``; a global module (``x.config``, ``x.main``) -> ``None``.
    """
    parts = module.split(".")
    if len(parts) > 1 and parts[1] == "auth":
        return "auth"
    if len(parts) > 2 and parts[1] == "domains":
        return ".".join(parts[1:3])
    return None


def module_name(path: Path, root: Path) -> str:
    """The dotted name of a file in the package ``root``: ``playground.domains.posts.router``."""
    relative = path.relative_to(root.parent).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    return ".".join(parts)


def imported_modules(source: str) -> list[tuple[int, str, str | None, bool]]:
    """Absolute imports in a module: ``(line, module, alias, is_from)``, one per name imported."""
    found: list[tuple[int, str, str | None, bool]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, alias.asname, False) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, node.module, alias.asname, True) for alias in node.names]
    return found


def alias_violations(source: str, module: str) -> list[str]:
    """Imports of another domain package not written ``from <pkg> import <module> as <alias>``."""
    root = module.split(".")[0]
    own = package_of(module)
    found = []
    for line, target, alias, is_from in imported_modules(source):
        other = package_of(target)
        if other is None or other == own or own is None:
            continue
        if not (is_from and target == f"{root}.{other}" and alias):
            found.append(f"{module}:{line} use `from {root}.{other} import <module> as <alias>`")
    return found


def alias_scan(root: Path = PACKAGE) -> tuple[int, list[str]]:
    """Every domain module of the package checked: ``(modules checked, violations)``."""
    checked, found = 0, []
    for path in sorted(root.rglob("*.py")):
        module = module_name(path, root)
        if package_of(module) is None:
            continue
        checked += 1
        found += alias_violations(path.read_text(), module)
    return checked, found


@dataclass(frozen=True)
class LintRun:
    returncode: int
    report: str

    def contract_lines(self) -> list[str]:
        """The verdicts and, for a broken contract, the offending imports."""
        return [
            line
            for line in self.report.splitlines()
            if line.endswith((" KEPT", " BROKEN"))
            or " is not allowed to import " in line
            or line.startswith("- ")
        ]


def lint_imports(project: Path = PROJECT) -> LintRun:
    """``lint-imports --no-cache`` on a project folder (its pyproject.toml), in a child process."""
    script = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": str(project), "NO_COLOR": "1", "TERM": "dumb"}
    env.pop("FORCE_COLOR", None)  # Jupyter kernels set it; the report is read as plain text
    done = subprocess.run(
        [str(script), "--no-cache", "--no-logo"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    report = _COLOURS.sub("", done.stdout + done.stderr)
    return LintRun(returncode=done.returncode, report=report)


@contextmanager
def scratch_project(append: Mapping[str, str] | None = None) -> Iterator[Path]:
    """A throwaway copy of the project (app, harness, pyproject.toml), lines appended to modules.

    ``append`` maps a path in the project (``playground/auth/service.py``) to the text to add.
    """
    folder = Path(tempfile.mkdtemp(prefix="scratch-project-"))
    try:
        for package in (PACKAGE, HARNESS):
            ignore = shutil.ignore_patterns("__pycache__")
            shutil.copytree(package, folder / package.name, ignore=ignore)
        shutil.copy(PROJECT / "pyproject.toml", folder)
        for name, text in (append or {}).items():
            with (folder / name).open("a") as module:
                module.write(text)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def scratch_package(name: str, files: Mapping[str, str]) -> Iterator[Path]:
    """A throwaway package ``name`` holding ``files`` (path inside it -> source)."""
    folder = Path(tempfile.mkdtemp(prefix="scratch-package-")) / name
    try:
        for relative, text in {"__init__.py": "", **files}.items():
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            for parent in path.relative_to(folder).parents:
                (folder / parent / "__init__.py").touch()
            path.write_text(text)
        yield folder
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)
