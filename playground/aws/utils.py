"""Pure helpers for object keys: no I/O."""

import re
import uuid

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(filename: str) -> str:
    """A filename that is safe inside an object key: no folders, no odd characters."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip("._") or "file"
    return name[:100]


def object_key(*, prefix: str, owner_id: uuid.UUID, item_id: uuid.UUID, filename: str) -> str:
    """``prefix/owner/item/filename``: one key per stored item, readable in a bucket listing."""
    return f"{prefix}/{owner_id}/{item_id}/{safe_filename(filename)}"
