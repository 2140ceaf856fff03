"""The canary's pieces on made-up data: no real upgrade runs here (that is `make test-latest`)."""

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from course.maintain import latest
from course.maintain import latest_report as reporting

ROOT = Path(__file__).parents[2]
# What nbval reports for a cell whose stdout changed (ANSI colours and all).
NBVAL_FAILURE = (
    "\x1b[91mNotebook cell execution failed\x1b[0m\n"
    "\x1b[94mCell 2: Cell outputs differ\n\nInput:\n\x1b[0mcourse.show(created)\n\n"
    "\x1b[94mTraceback:\x1b[0m\n\x1b[94m mismatch 'stdout'\x1b[91m\n\n"
    " assert reference_output == test_output failed:\n\n"
    "  'HTTP 201 Cre...mm:ss+00:00\\n' == 'HTTP 201 Cre...mm:ss+00:00\\n'\n  \n"
    "  Skipping 227 identical trailing characters in diff, use -v to show\n"
    "  - HTTP 201 Created\n  ?             ^\n  + HTTP 201 CreAted\n  ?             ^\n"
    "    {\n\x1b[0m\n"
)
TEST_FAILURE = (
    "def test_health(client):\n>       assert r.json() == {'status': 'ok'}\n"
    "E       AssertionError: assert {'status': 'OK'} == {'status': 'ok'}\n"
    "E         Differing items:\n\ntests/test_main.py:12: AssertionError"
)


def test_requirements_are_every_name_pyproject_gives_without_versions(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "playground"\n'
        'dependencies = ["fastapi>=0.100", "pydantic[email]", "uvicorn"]\n'
        "[project.optional-dependencies]\n"
        'prod = ["uvicorn[standard]"]\n'
        "[dependency-groups]\n"
        'learner = ["pytest==8.0", "playground[postgres]", "Asyncpg", "uvicorn"]\n'
        'maintainer = [{include-group = "site"}]\nsite = ["sphinx", "myst_nb"]\n'
    )
    assert latest.requirements(pyproject) == [
        "asyncpg",
        "fastapi",
        "myst-nb",
        "pydantic[email]",
        "pytest",
        "sphinx",
        "uvicorn",
    ]


def test_the_projects_requirements_cover_its_pins() -> None:
    names = {latest.name_of(name) for name in latest.requirements(ROOT / "pyproject.toml")}
    assert {"fastapi", "pydantic", "sqlalchemy", "httpx", "nbval", "sphinx"} <= names
    assert {"mypy", "jupyterlab", "uv"} <= names  # the maintainer's group and the learner's
    assert names <= set(latest.pins(ROOT / "requirements" / "maintainer.txt"))


def test_versions_put_the_direct_dependencies_first_and_mark_what_moved() -> None:
    # "zzz" is named but in neither set: no row.
    rows = latest.versions(
        {"fastapi": "0.120.0", "anyio": "4.0", "idna": "3.0"},
        {"fastapi": "0.121.0", "anyio": "4.0", "idna": "3.1", "new-dep": "1.0"},
        {"fastapi", "zzz"},
    )
    assert [(row.name, row.moved, row.direct) for row in rows] == [
        ("fastapi", True, True),
        ("anyio", False, False),
        ("idna", True, False),
        ("new-dep", True, False),
    ]


def test_a_change_is_named_by_its_direction() -> None:
    assert [
        reporting.Version("x", pinned, tried, True).change
        for pinned, tried in [
            ("1.0", "1.0"),
            ("0.28.1", "0.29.0"),
            ("2.10", "2.9"),
            ("1.0", None),
            (None, "65.5.0"),
            ("1.0", "not-a-version"),
        ]
    ] == ["", "newer", "older", "not installed", "not pinned", "changed"]


def test_an_nbval_failure_gives_the_first_lines_of_its_output_diff() -> None:
    assert reporting.output_diff(NBVAL_FAILURE) == [
        "mismatch 'stdout'",  # the stored output said CreAted; this run printed Created
        "+ HTTP 201 Created",
        "?             ^",
        "- HTTP 201 CreAted",
        "?             ^",
        "  {",
    ]
    assert len(reporting.output_diff(NBVAL_FAILURE, lines=3)) == 3


def test_a_test_failure_gives_its_error_lines_and_anything_else_its_last_lines() -> None:
    assert reporting.output_diff(TEST_FAILURE) == [
        "AssertionError: assert {'status': 'OK'} == {'status': 'ok'}",
        "Differing items:",
    ]
    assert reporting.output_diff("a\n\nb\nc", lines=2) == ["b", "c"]


def test_the_report_names_versions_cells_and_tests(tmp_path: Path) -> None:
    report = tmp_path / "build" / "latest-report.md"
    rows = latest.versions(
        {"fastapi": "0.120.0", "httpx": "0.28.1", "idna": "3.0", "anyio": "4.0"},
        {"fastapi": "0.120.0", "httpx": "0.29.0", "idna": "3.1", "anyio": "4.0"},
        {"fastapi", "httpx"},
    )
    failures = [
        reporting.Failure("tests/test_main.py::test_health", "call", TEST_FAILURE),
        reporting.Failure("notebooks/14_async_test_client.ipynb::Cell 3", "call", NBVAL_FAILURE),
    ]
    text = reporting.write_report(
        report,
        rows=rows,
        failures=reporting.read_failures(_jsonl(tmp_path / "f.jsonl", failures)),
        exit_code=1,
        seconds=312.4,
        python="3.11.7",
        when=datetime(2026, 12, 3, 11, 0, tzinfo=UTC),
    )
    assert report.read_text() == text
    assert "2026-12-03 11:00 UTC, Python 3.11.7, 312 s." in text
    assert "(pytest exit 1): 1 test(s) and 1 notebook cell(s) changed." in text
    assert "2 of 4 packages differ from their pin (watched: httpx 0.28.1 → 0.29.0)." in text
    assert "| httpx | 0.28.1 | 0.29.0 | **newer** |" in text
    assert "| fastapi | 0.120.0 | 0.120.0 |  |" in text
    assert "| idna | 3.0 | 3.1 | **newer** (indirect) |" in text
    assert "anyio" not in text  # indirect and unchanged: not worth a row
    cells, tests = text.index("### Notebook cells (1)"), text.index("### Tests (1)")
    assert cells < text.index("- `notebooks/14_async_test_client.ipynb::Cell 3`") < tests
    assert "  - HTTP 201 CreAted" in text[cells:tests]
    assert "`-` the stored output" in text
    assert "  AssertionError: assert {'status': 'OK'}" in text[tests:]


def test_a_clean_run_says_so(tmp_path: Path) -> None:
    text = reporting.write_report(
        tmp_path / "r.md",
        rows=[],
        failures=[],
        exit_code=0,
        seconds=1,
        python="3.11.7",
        when=datetime(2026, 12, 3, tzinfo=UTC),
    )
    assert "**Nothing changed**" in text
    assert "No test and no notebook cell changed." in text
    assert reporting.read_failures(tmp_path / "missing.jsonl") == []


def test_the_plugin_records_failures_once_on_the_controller(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "failures.jsonl"
    monkeypatch.setenv(latest.FAILURES_ENV, str(path))
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    failed = SimpleNamespace(
        failed=True, nodeid="tests/t.py::x", when="call", longreprtext="E boom"
    )
    latest.pytest_runtest_logreport(failed)
    latest.pytest_runtest_logreport(SimpleNamespace(failed=False))
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    latest.pytest_runtest_logreport(failed)  # the worker's copy of the same report
    assert reporting.read_failures(path) == [reporting.Failure("tests/t.py::x", "call", "E boom")]
    assert not reporting.Failure("tests/t.py::x", "call", "").is_cell


def _jsonl(path: Path, failures: list[reporting.Failure]) -> Path:
    records = [{"nodeid": f.nodeid, "when": f.when, "text": f.text} for f in failures]
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    assert os.path.getsize(path) > 0
    return path


def test_run_suite_gives_pytest_the_failures_file_and_keeps_its_log(tmp_path: Path) -> None:
    fake = tmp_path / "python"  # stands in for the venv's interpreter
    fake.write_text(
        "#!/bin/sh\n"
        'echo "pytest $*"\n'
        'echo \'{"nodeid": "notebooks/00_welcome.ipynb::Cell 1", "when": "call", "text": "x"}\''
        ' >> "$PLAYGROUND_LATEST_FAILURES"\n'
        "exit 1\n"
    )
    fake.chmod(0o755)
    failures, log = tmp_path / "failures.jsonl", tmp_path / "pytest.log"
    failures.write_text("left from the last run\n")
    assert latest.run_suite(fake, failures, log, "2") == 1
    assert "-p course.maintain.latest -n 2 --dist loadfile --nbval" in log.read_text()
    assert log.read_text().rstrip().endswith("tests notebooks")
    assert [f.nodeid for f in reporting.read_failures(failures)] == [
        "notebooks/00_welcome.ipynb::Cell 1"
    ]


def test_installed_lists_this_environment() -> None:
    import sys

    found = latest.installed(Path(sys.executable))
    assert found["pytest"] == pytest.__version__


def test_main_writes_the_report_and_fails_loudly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    def suite(python: Path, failures: Path, log: Path, workers: str) -> int:
        record = {"nodeid": "tests/test_main.py::test_health", "when": "call", "text": "E  no"}
        failures.write_text(json.dumps(record) + "\n")
        return 1

    monkeypatch.setattr(latest, "prepare", lambda venv, base, names: Path(sys.executable))
    monkeypatch.setattr(latest, "run_suite", suite)
    monkeypatch.setattr(latest, "installed", lambda python: {"fastapi": "999.0", "pip": "1"})
    report = tmp_path / "latest-report.md"
    with pytest.raises(SystemExit, match=r"FAILED on the newest releases: 1 test\(s\), 0 notebook"):
        latest.main(["--report", str(report), "--work", str(tmp_path / "work")])
    text = report.read_text()
    assert "**newer**" in text and "999.0" in text and "| pip |" not in text
    assert "- `tests/test_main.py::test_health`" in text
    assert f"report in {report}" in capsys.readouterr().out

    def passing(python: Path, failures: Path, log: Path, workers: str) -> int:
        failures.unlink()  # as the real one starts
        return 0

    monkeypatch.setattr(latest, "run_suite", passing)
    latest.main(["--report", str(report), "--work", str(tmp_path / "work")])
    assert "whole suite passes" in capsys.readouterr().out
