"""The exercises' checks are course content: they run on the notebooks' own playground, which
is always SQLite. On ``make test-postgres`` they are skipped, with that reason."""

import os

import pytest

import course


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not os.environ.get(course.TEST_DATABASE_URL):
        return
    skip = pytest.mark.skip(reason="exercise checks run on the notebooks' SQLite playground")
    for item in items:
        if item.path.name.startswith("test_checks_"):
            item.add_marker(skip)
