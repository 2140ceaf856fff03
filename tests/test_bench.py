"""`make bench` keeps working as routes are added: every route has a sample request that works."""

import os
from pathlib import Path

import course
from playground.main import create_app
from tests import bench


async def test_every_route_has_a_sample_request_that_succeeds() -> None:
    rows = await bench.counts_per_route()
    routes = {f"{r.methods} {r.path}" for r in course.routes(create_app())}
    assert {route for route, *_ in rows} == routes
    failed = [(route, status) for route, status, *_ in rows if status >= 400]
    assert failed == []


def test_the_set_up_section_counts_packages_and_disk_as_du_does(tmp_path: Path) -> None:
    from tests import bench_setup

    site = tmp_path / "lib" / "python3.11" / "site-packages"
    (site / "a-1.0.dist-info").mkdir(parents=True)
    (site / "b-2.0.dist-info").mkdir()
    (site / "a.py").write_bytes(b"x" * 100_000)
    os.link(site / "a.py", site / "same.py")  # a hard link counts once
    assert bench_setup.venv_packages(tmp_path) == 2
    assert 0.09 < bench_setup.disk_megabytes(tmp_path) < 0.2
    row = bench_setup.SetUp("learner", "uv, cold", 12.34, 166, 436.2)
    lines = bench_setup.set_up_lines([row], lab=21.4, noop=0.05)
    assert "| learner | uv, cold | 12.3 | 166 | 436 |" in lines
    assert any("JupyterLab answers: **21.4 s**" in line for line in lines)
