import re
import uuid
from urllib.parse import unquote

import pytest

from playground.aws.utils import content_disposition, object_key, safe_filename

# RFC 6266: a quoted-string fallback (no quote, backslash or control character inside), then
# the RFC 5987 ext-value: a charset, no language, and only attr-chars or percent escapes.
DISPOSITION = re.compile(
    r"attachment; filename=\"(?P<fallback>[^\"\\\x00-\x1f\x7f]+)\"; "
    r"filename\*=UTF-8''(?P<encoded>(?:[A-Za-z0-9!#$&+\-.^_`|~]|%[0-9A-F]{2})+)"
)


@pytest.mark.parametrize(
    ("filename", "fallback"),
    [
        ("notes.txt", "notes.txt"),
        ("résumé final.pdf", "r_sum_ final.pdf"),
        ('say "hi"\\there.txt', "there.txt"),  # a Windows path: the last part
        ("../../etc/passwd", "passwd"),
        ("bad\r\nSet-Cookie: a=b.txt", "bad_Set-Cookie_ a=b.txt"),
        ("日本語.png", "_.png"),
        ("...", "file"),
    ],
)
def test_content_disposition_is_an_attachment_with_a_safe_name_and_the_exact_one(
    filename: str, fallback: str
) -> None:
    header = content_disposition(filename)
    assert header.isascii()
    parsed = DISPOSITION.fullmatch(header)
    assert parsed is not None, header
    assert parsed["fallback"] == fallback
    exact = filename.replace("\\", "/").rsplit("/", 1)[-1]
    assert unquote(parsed["encoded"], errors="strict") == exact  # the name, byte for byte


def test_object_keys_hold_no_folders_of_the_client() -> None:
    assert safe_filename("../a b/c?.txt") == "c_.txt"
    key = object_key(
        prefix="p", owner_id=uuid.UUID(int=1), item_id=uuid.UUID(int=2), filename="x/y.txt"
    )
    assert key.startswith("p/00000000-") and key.endswith("/y.txt")
