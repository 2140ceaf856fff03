"""`make bench` keeps working as routes are added: every route has a sample request that works."""

import course
from playground.main import create_app
from tests import bench


async def test_every_route_has_a_sample_request_that_succeeds() -> None:
    rows = await bench.counts_per_route()
    routes = {f"{r.methods} {r.path}" for r in course.routes(create_app())}
    assert {route for route, *_ in rows} == routes
    failed = [(route, status) for route, status, *_ in rows if status >= 400]
    assert failed == []
