"""No input makes a 5xx: hostile bodies sent to every operation of the OpenAPI document.

Schemathesis (tests/test_fuzz.py) generates what the schema allows and the usual invalid
values; it never sends what broke the app: non-finite numbers (``NaN``, ``Infinity``,
``1e400``, which Python's JSON parser takes and JSON has not), NUL characters (which PostgreSQL
refuses), bodies far over the limit and huge fields echoed back by a 422. Hypothesis builds
them here from each operation's own body schema, on the database the suite runs on (SQLite in
``make test``, PostgreSQL in ``make test-postgres``), with the caller's real token and ids so
that a body gets past the 401s and 404s to where it is parsed, validated and written.
"""

import asyncio
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import course
from playground.handlers import MAX_ECHO_CHARS
from tests.factories import create_user

MAX_BODY_BYTES = 16 * 1024  # the limit under test, small so that an oversized body is cheap
MAX_EXAMPLES = 120
NON_FINITE = ["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1E+999"]
UNLIMITED = "1000000/minute"
THROTTLES_OFF = {
    name: UNLIMITED
    for name in (
        "LOGIN_RATE_PER_CLIENT",
        "LOGIN_RATE_PER_USERNAME",
        "REGISTER_RATE_PER_CLIENT",
        "REGISTER_RATE_PER_USERNAME",
    )
}
# A 422 lists each problem with a bounded echo: a few KiB whatever was sent.
MAX_ANSWER_BYTES = 16 * 1024


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # with the caller's ids filled in
    media_type: str | None  # of the request body, if the operation takes one
    schema: dict[str, Any]  # the body's JSON schema, $refs resolved on use


@dataclass(frozen=True)
class Hostile:
    """One request: raw bytes, so that JSON can carry what ``json.dumps`` would refuse."""

    kind: str
    content: bytes
    content_type: str


def _operations(document: dict[str, Any], ids: dict[str, str]) -> list[Operation]:
    operations = []
    for path, methods in document["paths"].items():
        filled = re.sub(r"\{(\w+)\}", lambda m: ids[m[1]], path)
        for method, spec in methods.items():
            content = spec.get("requestBody", {}).get("content", {})
            media_type = next(iter(content), None)
            schema = content[media_type]["schema"] if media_type else {}
            operations.append(Operation(method.upper(), filled, media_type, schema))
    return operations


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _value(
    draw: st.DrawFn, schema: dict[str, Any], document: dict[str, Any], text: st.SearchStrategy[str]
) -> Any:
    """A value of the schema's shape: strings from ``text``, numbers in range."""
    schema = _resolve(schema, document)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return _value(draw, draw(st.sampled_from(options)), document, text)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return draw(st.sampled_from(schema["enum"]))
    kind = schema.get("type", "string")
    if kind == "object":
        return {
            name: _value(draw, prop, document, text)
            for name, prop in schema.get("properties", {}).items()
        }
    if kind == "array":
        return [_value(draw, schema.get("items", {}), document, text)]
    if kind == "integer":
        low, high = schema.get("minimum", -1000), schema.get("maximum", 1000)
        return draw(st.integers(low, high))
    if kind == "number":
        return draw(st.floats(allow_nan=False, allow_infinity=False, width=32))
    if kind == "boolean":
        return draw(st.booleans())
    value = draw(text)
    if schema.get("format") == "email":
        return f"{value}@example.com"
    return value


def _nul_text() -> st.SearchStrategy[str]:
    """Text with a NUL somewhere: at the start, the end, or between two parts."""
    part = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=8)
    return st.builds(lambda a, b: f"{a}\x00{b}", part, part)


def _plain_text() -> st.SearchStrategy[str]:
    return st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=12)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a JSON document a value can be replaced (the document itself too)."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


MARK = "__non_finite__"


def _replace(value: Any, path: tuple[Any, ...]) -> Any:
    if not path:
        return MARK
    copy: Any = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replace(copy[path[0]], path[1:])
    return copy


@st.composite
def hostile(draw: st.DrawFn, operation: Operation, document: dict[str, Any]) -> Hostile:
    kinds = ["non_finite", "non_finite_body", "oversized", "huge_field"]
    if operation.media_type:
        kinds.append("nul")
    kind = draw(st.sampled_from(kinds))
    form = operation.media_type == "application/x-www-form-urlencoded"
    if kind == "nul":
        value = _value(draw, operation.schema, document, _nul_text())
        if form:
            content = httpx.QueryParams(value).__str__().encode()
            return Hostile(kind, content, operation.media_type or "")
        return Hostile(kind, json.dumps(value).encode(), "application/json")
    if kind == "non_finite_body":
        return Hostile(kind, draw(st.sampled_from(NON_FINITE)).encode(), "application/json")
    if kind == "oversized":
        size = draw(st.integers(MAX_BODY_BYTES + 1, 4 * MAX_BODY_BYTES))
        return Hostile(kind, b'{"x": "' + b"a" * size + b'"}', "application/json")
    if kind == "huge_field":  # under the limit, over every field's max_length: a 422
        document_value = _value(draw, operation.schema, document, _plain_text())
        huge = "h" * (MAX_BODY_BYTES - 1024)
        if isinstance(document_value, dict) and document_value:
            document_value = {key: huge for key in document_value}
        else:
            document_value = huge
        return Hostile(kind, json.dumps(document_value).encode(), "application/json")
    value = _value(draw, operation.schema, document, _plain_text())
    path = draw(st.sampled_from(list(_paths(value))))
    text = json.dumps(_replace(value, path))
    return Hostile(
        kind,
        text.replace(f'"{MARK}"', draw(st.sampled_from(NON_FINITE))).encode(),
        "application/json",
    )


class _Errors(logging.Handler):
    """Every ERROR record the app logs (a traceback means a 500 was on its way)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _logged_errors() -> Iterator[_Errors]:
    handler = _Errors()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


def _check(operation: Operation, case: Hostile, response: httpx.Response) -> None:
    where = f"{operation.method} {operation.path} ({case.kind}: {case.content[:80]!r})"
    assert response.status_code < 500, f"{where}: {response.status_code} {response.text[:300]}"
    assert len(response.content) <= MAX_ANSWER_BYTES, f"{where}: {len(response.content)} bytes"
    if case.kind == "oversized":
        assert response.status_code == 413, where
    if case.kind.startswith("non_finite") and operation.media_type == "application/json":
        assert response.status_code in {401, 403, 404, 422}, f"{where}: {response.status_code}"
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"detail", "code"}, f"{where}: {body}"
        if response.status_code == 422:
            for error in body["detail"]:
                echoed = json.dumps(error.get("input"), ensure_ascii=False)
                assert len(echoed) <= MAX_ECHO_CHARS + 8, f"{where}: echoes {len(echoed)}"
    if case.kind == "nul" and operation.method != "DELETE":
        assert response.status_code >= 400, f"{where}: {response.status_code} accepted a NUL"


def test_no_hostile_body_gets_a_5xx_from_any_operation() -> None:
    loop = asyncio.new_event_loop()
    pg = loop.run_until_complete(
        course.start(settings={"MAX_BODY_BYTES": MAX_BODY_BYTES}, auth=THROTTLES_OFF, s3=True)
    )
    try:
        ada = loop.run_until_complete(create_user(pg, "ada", creator=True))
        headers = ada.headers

        async def seed() -> dict[str, str]:
            post = (
                await pg.client.post("/posts", json={"title": "t", "body": "b"}, headers=headers)
            ).json()
            file = {"filename": "a.txt", "content_type": "text/plain", "size": 5}
            staged = await pg.client.post(
                f"/posts/{post['id']}/attachments", json=file, headers=headers
            )
            return {
                "post_id": post["id"],
                "user_id": str(ada.id),
                "profile_id": str(ada.profile_id),
                "attachment_id": staged.json()["attachment"]["id"],
            }

        ids = loop.run_until_complete(seed())
        document = pg.app.openapi()
        operations = [
            op for op in _operations(document, ids) if op.method in {"POST", "PUT", "PATCH"}
        ]
        assert len(operations) >= 8, [f"{op.method} {op.path}" for op in operations]

        @st.composite
        def requests(draw: st.DrawFn) -> tuple[Operation, Hostile]:
            operation = draw(st.sampled_from(operations))
            return operation, draw(hostile(operation, document))

        @given(requests())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,  # the same requests on every machine
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        def every_answer_is_a_4xx_in_the_error_shape(request: tuple[Operation, Hostile]) -> None:
            operation, case = request
            with _logged_errors() as errors:
                response = loop.run_until_complete(
                    pg.client.request(
                        operation.method,
                        operation.path,
                        content=case.content,
                        headers={**headers, "Content-Type": case.content_type},
                    )
                )
            _check(operation, case, response)
            assert not errors.records, [r.getMessage() for r in errors.records]

        every_answer_is_a_4xx_in_the_error_shape()
    finally:
        loop.run_until_complete(pg.close())
        loop.close()
