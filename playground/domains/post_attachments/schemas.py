import uuid
from datetime import datetime

from pydantic import Field, field_validator

from playground.aws import constants as aws_constants
from playground.aws import schemas as aws_schemas
from playground.domains.post_attachments.constants import AttachmentStatus
from playground.models import CustomModel, Text


class AttachmentCreate(CustomModel):
    """What the client is about to upload: checked before a URL is signed."""

    filename: Text = Field(min_length=1, max_length=255)
    content_type: Text = Field(examples=sorted(aws_constants.ALLOWED_CONTENT_TYPES))
    size: int = Field(ge=1, le=aws_constants.MAX_UPLOAD_BYTES, description="Bytes.")

    @field_validator("content_type")
    @classmethod
    def allowed_content_type(cls, value: str) -> str:
        if value not in aws_constants.ALLOWED_CONTENT_TYPES:
            allowed = ", ".join(sorted(aws_constants.ALLOWED_CONTENT_TYPES))
            raise ValueError(f"must be one of: {allowed}")
        return value


class AttachmentResponse(CustomModel):
    id: uuid.UUID
    post_id: uuid.UUID
    filename: str
    content_type: str
    size: int
    status: AttachmentStatus
    created_at: datetime
    uploaded_at: datetime | None


class AttachmentUpload(CustomModel):
    """The new attachment, and where to POST its bytes (straight to S3, not through the app)."""

    attachment: AttachmentResponse
    upload: aws_schemas.PresignedUrl


class AttachmentDownload(AttachmentResponse):
    download: aws_schemas.PresignedUrl
