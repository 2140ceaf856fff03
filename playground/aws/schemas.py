from datetime import datetime

from pydantic import Field

from playground.models import CustomModel


class PresignedUrl(CustomModel):
    """A URL the client uses directly against S3, with the method and headers it must send.

    An upload is a form POST: ``fields`` go first, in this order, then the file itself as the
    last field, named ``file``. S3 checks the signed policy among them before it stores a byte.
    """

    url: str
    method: str
    headers: dict[str, str]
    fields: dict[str, str] = Field(default_factory=dict)
    expires_at: datetime


class StoredObject(CustomModel):
    """What S3 says about an object."""

    size: int
    content_type: str | None
    etag: str | None = None  # which bytes: a copy can insist on these and no others


class ListedObject(CustomModel):
    """One object of a bucket listing."""

    key: str
    size: int
    last_modified: datetime
