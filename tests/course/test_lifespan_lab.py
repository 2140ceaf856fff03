import httpx
from asgi_lifespan import LifespanManager

import course
from course.labs import n20_lifespan as lifespan_lab


async def test_the_lifespan_runs_once_for_many_requests_and_hands_its_state(
    pg: course.Playground,
) -> None:
    app = lifespan_lab.add_state_probe(pg.new_app())
    original = app.router.lifespan_context
    with lifespan_lab.count_lifespans(app) as lifespans:
        async with LifespanManager(app) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url=course.BASE_URL) as client:
                seen = [(await client.get(lifespan_lab.STATE_PROBE)).json() for _ in range(5)]
    assert lifespans.runs == 1
    assert {tuple(s["keys"]) for s in seen} == {("storage",)}
    assert len({s["storage"] for s in seen}) == 1
    assert app.router.lifespan_context is original


async def test_asgi_transport_alone_runs_no_lifespan(pg: course.Playground) -> None:
    app = lifespan_lab.add_state_probe(pg.new_app())
    with lifespan_lab.count_lifespans(app) as lifespans:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=course.BASE_URL) as client:
            seen = (await client.get(lifespan_lab.STATE_PROBE)).json()
    assert lifespans.runs == 0
    assert seen["keys"] == [] and seen["storage"] is None
