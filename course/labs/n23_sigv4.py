"""AWS Signature Version 4, recomputed from the documentation with the standard library.

moto (the tests' S3) checks neither signatures nor POST policies; real S3 checks both. So a
test that must hold on real S3 recomputes what S3 computes: the signing key from the secret,
the date, the region and the service, then the signature of the policy. If they match, S3
accepts the policy as issued, and refuses any other.
https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-authentication-HTTPPOST.html
"""

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def signing_key(secret: str, *, date: str, region: str, service: str) -> bytes:
    """HMAC chain: "AWS4" + secret, then the date (YYYYMMDD), region, service, request type."""
    key = _hmac(f"AWS4{secret}".encode(), date)
    key = _hmac(key, region)
    key = _hmac(key, service)
    return _hmac(key, "aws4_request")


def post_signature(fields: dict[str, str], *, secret: str) -> str:
    """The signature S3 expects for a form POST: HMAC-SHA256 of the base64 policy, with the
    signing key of the scope named in ``x-amz-credential``."""
    _access_key, date, region, service, terminal = fields["x-amz-credential"].split("/")
    assert terminal == "aws4_request"
    key = signing_key(secret, date=date, region=region, service=service)
    return hmac.new(key, fields["policy"].encode(), hashlib.sha256).hexdigest()


def policy(fields: dict[str, str]) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(base64.b64decode(fields["policy"]))
    return decoded


def equality_conditions(conditions: list[Any]) -> dict[str, str]:
    """The ``{"field": "value"}`` and ``["eq", "$field", "value"]`` conditions, by field."""
    found: dict[str, str] = {}
    for condition in conditions:
        if isinstance(condition, dict):
            found.update({name.lower(): value for name, value in condition.items()})
        elif condition[0] == "eq":
            found[condition[1].removeprefix("$").lower()] = condition[2]
    return found


def length_ranges(conditions: list[Any]) -> list[tuple[int, int]]:
    return [
        (c[1], c[2]) for c in conditions if isinstance(c, list) and c[0] == "content-length-range"
    ]


def expiration(fields: dict[str, str]) -> datetime:
    return datetime.strptime(policy(fields)["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
