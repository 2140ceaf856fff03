import httpx
import pytest
from fastapi import FastAPI

import course
from playground.exceptions import Conflict, ErrorResponse, NotFound, PlaygroundError
from playground.handlers import MAX_ECHO_CHARS, register_exception_handlers
from playground.openapi import error_responses
from tests.factories import create_user
from tests.helpers import assert_validation_error


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
    assert response.headers["x-content-type-options"] == "nosniff"  # a 500 carries them too


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


# ---------------------------------------------------------------- hostile input, one by one


async def test_a_422_echoes_a_bounded_slice_of_a_huge_field(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    response = await pg.client.post(
        "/posts", json={"title": "t" * 500_000, "body": "b"}, headers=ada.headers
    )
    [error] = assert_validation_error(response, (("body", "title"), "string_too_long"))
    assert len(error["input"]) == MAX_ECHO_CHARS + 1 and error["input"].endswith("…")
    assert len(response.content) < 2048


async def test_a_422_echoes_a_bounded_slice_of_a_huge_body(pg: course.Playground) -> None:
    ada = await create_user(pg, "ada")
    response = await pg.client.post("/posts", json=list(range(100_000)), headers=ada.headers)
    assert response.status_code == 422
    assert len(response.content) < 2048


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/posts", {"title": "a\x00b", "body": "b"}, "title"),
        ("/posts", {"title": "t", "body": "\x00"}, "body"),
    ],
)
async def test_a_nul_in_a_text_field_is_a_422_on_every_database(
    pg: course.Playground, path: str, body: dict[str, str], field: str
) -> None:
    ada = await create_user(pg, "ada")
    response = await pg.client.post(path, json=body, headers=ada.headers)
    assert_validation_error(response, (("body", field), "string_pattern_mismatch"))


def test_every_text_field_a_client_sends_refuses_nul() -> None:
    """One type, ``playground.models.Text``: every request schema's text field carries it."""
    from playground.main import create_app

    document = create_app().openapi()
    request_schemas = set()
    for methods in document["paths"].values():
        for spec in methods.values():
            for content in spec.get("requestBody", {}).get("content", {}).values():
                request_schemas.add(content["schema"]["$ref"].rsplit("/", 1)[1])
    assert len(request_schemas) >= 8, request_schemas
    unguarded = []
    for name in sorted(request_schemas):
        for field, schema in document["components"]["schemas"][name]["properties"].items():
            options = schema.get("anyOf", [schema])
            for option in options:
                if option.get("type") != "string" or "enum" in option or "format" in option:
                    continue
                if field in {"password", "client_secret", "grant_type", "scope", "client_id"}:
                    continue  # never stored nor queried: hashed, or OAuth2 form plumbing
                pattern = option.get("pattern", "")
                # A NUL refused by ``Text``, or not in the characters an allow-list takes.
                if "\\x00" not in pattern and pattern != "^[A-Za-z0-9_-]+$":
                    unguarded.append(f"{name}.{field}")
    assert unguarded == []
