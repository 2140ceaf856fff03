"""What the OpenAPI document says about errors: the codes a route may answer, the real 422."""

from typing import Any

from fastapi import FastAPI

from playground.exceptions import VALIDATION_ERROR, ErrorResponse, PlaygroundError


def error_responses(*errors: type[PlaygroundError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for a route: one entry per status, listing the codes it may carry."""
    by_status: dict[int, list[type[PlaygroundError]]] = {}
    for error in errors:
        by_status.setdefault(int(error.status_code), []).append(error)
    return {
        status: {
            "model": ErrorResponse,
            "description": "; ".join(f"`{e.code}`: {e.detail}" for e in group),
        }
        for status, group in sorted(by_status.items())
    }


def document_validation_errors(app: FastAPI) -> None:
    """FastAPI's 422 model has no ``code``; the body the handler sends always has one."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()  # FastAPI caches it in ``app.openapi_schema``
        model = schema.get("components", {}).get("schemas", {}).get("HTTPValidationError")
        if model is not None:
            model["properties"]["code"] = {
                "const": VALIDATION_ERROR,
                "title": "Code",
                "type": "string",
            }
            model["required"] = ["detail", "code"]
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
