"""The project's own files agree with each other."""

import ast
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

from playground import syllabus

ROOT = Path(__file__).parents[1]


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        match = re.match(
            r'^\s*(?:-\s+"?)?([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;#"]+)', line
        )
        if match:
            pins[match[1].lower()] = match[2]
    return pins


def _lock() -> dict[str, Any]:
    return tomllib.loads((ROOT / "uv.lock").read_text())


def _uv() -> Path:
    """The project's own uv (the learner's set has it), next to the running Python."""
    uv = Path(sys.executable).with_name("uv.exe" if os.name == "nt" else "uv")
    assert uv.exists(), "uv is in the learner's set: run `make install`"
    return uv


def test_the_lock_is_current_with_pyproject() -> None:
    done = subprocess.run(
        [_uv(), "lock", "--check", "--offline", "--quiet"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_requirements_files_are_the_lock_as_their_header_command_exports_it(tmp_path: Path) -> None:
    """Each file's second line is the `uv export` command that wrote it; run again on a copy of
    the project's metadata and lock, it writes the same file."""
    files = sorted(path.name for path in (ROOT / "requirements").glob("*.txt"))
    assert files == ["base.txt", "learner.txt", "maintainer.txt", "prod.txt"]
    for name in ("pyproject.toml", "uv.lock", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "requirements").mkdir()
    for name in files:
        text = (ROOT / "requirements" / name).read_text()
        command = text.splitlines()[1].removeprefix("#    ").split()
        assert command[:3] == ["uv", "export", "--frozen"], command
        assert command[-2:] == ["-o", f"requirements/{name}"], command
        subprocess.run([_uv(), *command[1:], "--quiet"], cwd=tmp_path, check=True)
        assert (tmp_path / "requirements" / name).read_text() == text, name


def test_environment_yml_names_the_learner_pins() -> None:
    learner = _pins(ROOT / "requirements" / "learner.txt")
    assert learner
    assert _pins(ROOT / "environment.yml") == learner


def test_every_set_includes_base_at_the_same_versions_and_maintainer_the_learner_set() -> None:
    base = _pins(ROOT / "requirements" / "base.txt")
    for name in ("learner.txt", "maintainer.txt", "prod.txt"):
        other = _pins(ROOT / "requirements" / name)
        assert {k: other.get(k) for k in base} == base, name
    learner = _pins(ROOT / "requirements" / "learner.txt")
    maintainer = _pins(ROOT / "requirements" / "maintainer.txt")
    assert {k: maintainer.get(k) for k in learner} == learner
    for tool in ("mypy", "pytest-xdist", "sphinx", "playwright", "schemathesis"):
        assert tool in maintainer, tool
        assert tool not in learner, tool


def test_the_makefile_bootstraps_the_locked_uv() -> None:
    makefile = (ROOT / "Makefile").read_text()
    bootstrap = re.search(r"^UV_VERSION := (\S+)$", makefile, re.MULTILINE)
    assert bootstrap
    locked = {p["name"]: p["version"] for p in _lock()["package"] if "version" in p}
    assert bootstrap[1] == locked["uv"]
    assert _pins(ROOT / "requirements" / "learner.txt")["uv"] == locked["uv"]


def _closure(roots: list[dict[str, Any]]) -> set[str]:
    """Every distribution the lock installs for these requirements (extras followed)."""
    packages = {p["name"]: p for p in _lock()["package"]}
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        requirement = todo.pop()
        package = packages[requirement["name"]]
        todo += [r for r in package.get("dependencies", []) if r["name"] not in seen]
        for extra in requirement.get("extra", []):
            todo += package.get("optional-dependencies", {}).get(extra, [])
        seen.add(requirement["name"])
    return seen


def _imported_modules(source: str) -> set[str]:
    flags = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    tree = compile(source, "<source>", "exec", flags=flags, dont_inherit=True)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"course", "playground", "tests", "__future__"}


def test_the_learner_set_has_every_library_the_lessons_import() -> None:
    """What a notebook's code, the lesson harness and the lessons' nbval plugin import comes
    with the learner's set (the notebooks' own run in a learner-only venv is the proof; this
    names the missing distribution at once)."""
    sources = [p.read_text() for p in (ROOT / "course").rglob("*.py") if "maintain" not in p.parts]
    sources.append((ROOT / "course" / "maintain" / "nbval_ipc.py").read_text())
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(notebook.read_text())["cells"]
        sources += ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    modules: set[str] = set().union(*map(_imported_modules, sources))
    project = next(p for p in _lock()["package"] if p["name"] == "playground")
    learner = _closure([*project["dependencies"], *project["dev-dependencies"]["learner"]])
    distributions = importlib.metadata.packages_distributions()
    for module in sorted(modules):
        names = {re.sub(r"[-_.]+", "-", d).lower() for d in distributions.get(module, [])}
        assert names & learner, f"{module} ({names or 'not installed'}) is not in the learner set"


def test_readme_maps_every_notebook_and_marks_which_exist() -> None:
    readme = (ROOT / "README.md").read_text()
    for lesson in syllabus.LESSONS:
        exists = (ROOT / "notebooks" / lesson.notebook).exists()
        row = next(line for line in readme.splitlines() if lesson.notebook in line)
        assert ("✅" in row) == exists, row


def test_env_example_documents_every_setting() -> None:
    from playground.auth.config import AuthConfig
    from playground.aws.config import AwsConfig
    from playground.config import Settings
    from playground.domains.notifications.config import NotificationsConfig
    from playground.domains.post_attachments.config import PostAttachmentsConfig

    example = (ROOT / ".env.example").read_text()
    models = (("PLAYGROUND_", Settings), ("PLAYGROUND_AUTH_", AuthConfig))
    more = (("PLAYGROUND_AWS_", AwsConfig), ("PLAYGROUND_NOTIFICATIONS_", NotificationsConfig))
    domains = (("PLAYGROUND_ATTACHMENTS_", PostAttachmentsConfig),)
    for prefix, model in (*models, *more, *domains):
        for name in model.model_fields:
            assert f"{prefix}{name}=" in example, name


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    commands = [line for line in ci.splitlines() if line.startswith("make ")]
    assert commands == ["make test", "make test-postgres", "make test-scale"]
    readme = (ROOT / "README.md").read_text()
    assert "`make test && make test-postgres && make test-scale`" in readme


def test_the_app_package_holds_no_harness_and_its_wheel_ships_none() -> None:
    import fnmatch
    import tomllib

    app = ROOT / "playground"
    assert not (app / "course").exists()
    assert not [p for p in app.rglob("*.py") if "course" in p.relative_to(app).parts]
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    include = config["packages"]["find"]["include"]
    top = [p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()]
    shipped = [name for name in top if any(fnmatch.fnmatch(name, rule) for rule in include)]
    assert shipped == ["playground"]
    assert "course" in top  # the harness, beside the app in the checkout
