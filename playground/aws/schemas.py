from datetime import datetime

from playground.models import CustomModel


class PresignedUrl(CustomModel):
    """A URL the client uses directly against S3, with the method and headers it must send."""

    url: str
    method: str
    headers: dict[str, str]
    expires_at: datetime


class StoredObject(CustomModel):
    """What S3 says about an object."""

    size: int
    content_type: str | None
