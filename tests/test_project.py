"""The project's own files agree with each other."""

import re
from pathlib import Path

from playground import syllabus

ROOT = Path(__file__).parents[1]


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        match = re.match(
            r"^\s*(?:-\s+)?([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;#]+)", line
        )
        if match:
            pins[match[1].lower()] = match[2]
    return pins


def test_environment_yml_names_the_same_pins_as_requirements() -> None:
    dev = _pins(ROOT / "requirements" / "dev.txt")
    assert dev
    assert _pins(ROOT / "environment.yml") == dev


def test_dev_and_prod_pins_include_base_at_the_same_versions() -> None:
    base = _pins(ROOT / "requirements" / "base.txt")
    for name in ("dev.txt", "prod.txt"):
        other = _pins(ROOT / "requirements" / name)
        assert {k: other.get(k) for k in base} == base, name


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

    example = (ROOT / ".env.example").read_text()
    models = (("PLAYGROUND_", Settings), ("PLAYGROUND_AUTH_", AuthConfig))
    more = (("PLAYGROUND_AWS_", AwsConfig), ("PLAYGROUND_NOTIFICATIONS_", NotificationsConfig))
    for prefix, model in (*models, *more):
        for name in model.model_fields:
            assert f"{prefix}{name}=" in example, name


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    commands = [line for line in ci.splitlines() if line.startswith("make ")]
    assert commands == ["make test", "make test-postgres"]
    assert "`make test && make test-postgres`" in (ROOT / "README.md").read_text()


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
