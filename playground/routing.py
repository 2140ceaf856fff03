"""The route class of every router: JSON bodies parsed without non-finite numbers."""

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

NON_FINITE = "Non-finite number (NaN, Infinity or out of range) is not allowed"


def _refuse(text: str, token: str) -> json.JSONDecodeError:
    return json.JSONDecodeError(NON_FINITE, text, max(text.find(token), 0))


def loads_finite(body: bytes) -> Any:
    """``json.loads`` refusing ``NaN``, ``Infinity`` and numbers too large for a float.

    Python's parser takes all three (``1e400`` becomes ``inf``); JSON has none of them, the
    database cannot compare them and a 422 that echoes one cannot be encoded (a 500).
    """
    text = body.decode("utf-8", "surrogateescape") if isinstance(body, bytes) else body

    def constant(token: str) -> Any:
        raise _refuse(text, token)

    def finite_float(token: str) -> float:
        value = float(token)
        if value in (float("inf"), float("-inf")):
            raise _refuse(text, token)
        return value

    return json.loads(body, parse_constant=constant, parse_float=finite_float)


class FiniteJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = loads_finite(await self.body())
        return self._json


class PlaygroundRoute(APIRoute):
    """FastAPI's route, its request's ``json()`` refusing non-finite numbers (a 422)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def finite_json_handler(request: Request) -> Response:
            return await handler(FiniteJSONRequest(request.scope, request.receive, request._send))

        return finite_json_handler
