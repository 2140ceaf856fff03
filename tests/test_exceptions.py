import httpx
import pytest
from fastapi import FastAPI

import course
from playground.exceptions import Conflict, ErrorResponse, NotFound, PlaygroundError
from playground.handlers import register_exception_handlers
from playground.openapi import error_responses


class GadgetMissing(NotFound):
    code = "GADGET_MISSING"
    detail = "No such gadget"


def _app() -> FastAPI:
    app = FastAPI()
    register_exception_handlers(app)

    @app.get("/gadget")
    async def gadget() -> None:
        raise GadgetMissing()

    @app.get("/custom")
    async def custom() -> None:
        raise Conflict("A custom message")

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    @app.get("/number/{n}")
    async def number(n: int) -> int:
        return n

    return app


@pytest.fixture
async def client() -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def test_domain_error_renders_code_and_detail(client: httpx.AsyncClient) -> None:
    response = await client.get("/gadget")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such gadget", "code": "GADGET_MISSING"}


async def test_domain_error_message_can_be_overridden(client: httpx.AsyncClient) -> None:
    response = await client.get("/custom")
    assert response.status_code == 409
    assert response.json() == {"detail": "A custom message", "code": "CONFLICT"}


async def test_validation_error_keeps_fastapi_detail_and_gains_code(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/number/abc")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "VALIDATION_ERROR"
    assert body["detail"][0]["loc"] == ["path", "n"]
    assert body["detail"][0]["type"] == "int_parsing"


async def test_unknown_route_and_method_use_the_same_shape(client: httpx.AsyncClient) -> None:
    missing = await client.get("/nowhere")
    assert missing.json() == {"detail": "Not Found", "code": "NOT_FOUND"}
    wrong_method = await client.post("/gadget")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["code"] == "METHOD_NOT_ALLOWED"


async def test_unexpected_error_is_a_500_without_traceback(client: httpx.AsyncClient) -> None:
    response = await client.get("/boom")
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error", "code": "INTERNAL_ERROR"}
    assert "secret" not in response.text


def test_error_responses_groups_codes_by_status() -> None:
    responses = error_responses(GadgetMissing, NotFound, Conflict)
    assert set(responses) == {404, 409}
    assert responses[404]["model"] is ErrorResponse
    assert "`GADGET_MISSING`" in responses[404]["description"]
    assert "`NOT_FOUND`" in responses[404]["description"]


def test_base_error_defaults_to_internal() -> None:
    error = PlaygroundError()
    assert (error.status_code, error.code, error.message) == (
        500,
        "INTERNAL_ERROR",
        "Internal server error",
    )


async def test_real_app_renders_unknown_path_in_the_same_shape(pg: course.Playground) -> None:
    response = await pg.client.get("/definitely/not/here")
    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"


async def test_openapi_documents_the_422_body_with_its_code(pg: course.Playground) -> None:
    schema = pg.app.openapi()
    model = schema["components"]["schemas"]["HTTPValidationError"]
    assert model["required"] == ["detail", "code"]
    assert model["properties"]["code"]["const"] == "VALIDATION_ERROR"
    assert pg.app.openapi() is schema  # generated once
