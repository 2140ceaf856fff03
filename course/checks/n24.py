"""Notebook 24's exercise: the label of a request counter, by route template."""

import random
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI, Request

from course.exercises import Check, answered
from course.labs import n24_observe as observe_lab

WORDS = ("parcel", "ticket", "invoice", "badge", "ledger", "voucher", "crate", "permit")


@dataclass(frozen=True)
class _Shop:
    """Two routes under names the learner cannot foresee, counted by the learner's label."""

    counter: observe_lab.LabelCounter
    templates: tuple[str, str]  # e.g. /parcel/{parcel_id}, /ticket/{ticket_id}/notes

    async def burst(self, template: str, n: int) -> None:
        """``n`` requests to ``template``, each with an id of its own."""
        head, rest = template.split("{", 1)
        tail = rest.split("}", 1)[1]
        async with observe_lab.client(self.counter) as lab:
            for _ in range(n):
                response = await lab.get(f"{head}{uuid.uuid4().hex[:12]}{tail}")
                assert response.status_code == 200, f"{template}: HTTP {response.status_code}"

    def raised(self) -> None:
        if self.counter.errors:
            exc = self.counter.errors[0]
            raise AssertionError(f"the label function raised {type(exc).__name__}: {exc}")


@asynccontextmanager
async def _shop(label: Callable[[Request], str]) -> AsyncIterator[_Shop]:
    first, second = random.sample(WORDS, 2)
    templates = (f"/{first}/{{{first}_id}}", f"/{second}/{{{second}_id}}/notes")
    app = FastAPI()
    for template in templates:

        async def endpoint() -> dict[str, str]:
            return {"ok": "yes"}

        endpoint.__name__ = f"read_{template.split('/')[1]}"
        app.get(template)(endpoint)
    yield _Shop(observe_lab.LabelCounter(app, label), templates)


def _fixed_or_named(series: dict[str, float], templates: tuple[str, str]) -> str:
    """Why the labels of two routes are not their templates."""
    labels = ", ".join(repr(label) for label in series)
    if len(series) == 1:
        return f"both routes got the label {labels}: a fixed string, not the request's route"
    if all(label.startswith("read_") for label in series):
        return f"the labels are {labels}: the endpoint's name, not its path template"
    return f"the labels are {labels}, not the templates {', '.join(templates)}"


def route_label(label: Callable[[Request], str]) -> list[Check]:
    """Checks for ``label(request)``, the value of a request counter's ``route`` label."""

    async def one_series() -> None:
        answered(label)
        n = random.randint(6, 14)
        async with _shop(label) as shop:
            await shop.burst(shop.templates[0], n)
        shop.raised()
        series = shop.counter.series()
        if len(series) == n:
            raise AssertionError(
                f"{n} ids made {n} series ({next(iter(series))!r}, ...): labelled by the raw "
                "path, a new series for every id"
            )
        assert len(series) == 1, f"{n} requests to one route made {len(series)} series"
        assert list(series.values()) == [n], f"{n} requests counted {list(series.values())}"

    async def the_template() -> None:
        async with _shop(label) as shop:
            counts = {template: random.randint(2, 5) for template in shop.templates}
            for template, n in counts.items():
                await shop.burst(template, n)
        shop.raised()
        series = shop.counter.series()
        if series != counts:
            raise AssertionError(_fixed_or_named(series, shop.templates))

    async def unmatched() -> None:
        n = random.randint(3, 6)
        async with _shop(label) as shop, observe_lab.client(shop.counter) as lab:
            for _ in range(n):
                response = await lab.get(f"/no-such-{uuid.uuid4().hex[:8]}")
                assert response.status_code == 404
        if shop.counter.errors:
            exc = shop.counter.errors[0]
            raise AssertionError(
                f"on a path no route matched, the label function raised {type(exc).__name__}: "
                f"{exc}; such a request has no route in its scope"
            )
        series = shop.counter.series()
        if len(series) == n:
            raise AssertionError(
                f"{n} unmatched paths made {n} series: each unmatched path got its own label "
                "(its raw path); give them all one"
            )
        assert len(series) == 1, f"{n} unmatched paths made {len(series)} series"

    counted = Check(
        "requests to one route with many ids make one series",
        "label by the route the request matched, request.scope['route'], not request.url.path",
        one_series,
    )
    template = Check(
        "the label is the route's path template",
        "FastAPI puts the matched APIRoute in request.scope['route']; its .path is the template",
        the_template,
        needs=counted,
    )
    return [
        counted,
        template,
        Check(
            "requests no route matched share one label",
            "no route matched: no 'route' in the scope; return one fixed label, e.g. 'none'",
            unmatched,
            needs=(counted, template),
        ),
    ]
