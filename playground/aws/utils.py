"""Pure helpers for object keys and the headers S3 answers with: no I/O."""

import re
import uuid
from urllib.parse import quote

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(filename: str) -> str:
    """A filename that is safe inside an object key: no folders, no odd characters."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip("._") or "file"
    return name[:100]


def object_key(*, prefix: str, owner_id: uuid.UUID, item_id: uuid.UUID, filename: str) -> str:
    """``prefix/owner/item/filename``: one key per stored item, readable in a bucket listing."""
    return f"{prefix}/{owner_id}/{item_id}/{safe_filename(filename)}"


# RFC 5987's attr-char: what ``filename*`` may carry unencoded.
_ATTR_CHARS = "!#$&+-.^_`|~"
_UNSAFE_QUOTED = re.compile(r"[^A-Za-z0-9 !#$&\'()+,.;=@\[\]^_`{}~-]+")


def content_disposition(filename: str) -> str:
    """``attachment``: the browser saves the file instead of showing it, under its name.

    The name twice, as RFC 6266 advises: ``filename`` a quoted ASCII fallback (no quote,
    backslash, control or non-ASCII character survives), ``filename*`` the exact name in
    UTF-8, percent-encoded (RFC 5987), for every client that reads it.
    """
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    fallback = _UNSAFE_QUOTED.sub("_", name).strip(" .") or "file"
    encoded = quote(name or "file", safe=_ATTR_CHARS)
    return f"attachment; filename=\"{fallback[:150]}\"; filename*=UTF-8''{encoded}"
