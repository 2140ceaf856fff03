"""Lesson 23's uploads: the client's side of a presigned form POST, and what the bucket holds."""

from typing import Any

import httpx

from course.sandbox import Playground
from playground.aws.client import open_storage


async def send_form(upload: dict[str, Any], content: bytes, filename: str) -> httpx.Response:
    """What a browser does with the app's answer: POST the signed form's fields and the file
    straight to S3 (here the local S3), not through the app."""
    async with httpx.AsyncClient(timeout=60) as s3:
        files = {"file": (filename, content)}
        return await s3.post(upload["url"], data=upload["fields"], files=files)


async def bucket_keys(pg: Playground) -> list[str]:
    """Every key in the playground's bucket."""
    async with open_storage(pg.aws_config) as storage:
        return [item.key async for page in storage.list_objects(prefix="") for item in page]
