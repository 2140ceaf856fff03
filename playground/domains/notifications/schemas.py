import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from playground.domains.notifications.constants import EmailStatus
from playground.models import CustomModel, Text


class EmailCreate(CustomModel):
    subject: Text = Field(min_length=1, max_length=200)
    body: Text = Field(min_length=1, max_length=5_000)


class EmailQueued(CustomModel):
    status: Literal["queued"] = "queued"


class EmailResponse(CustomModel):
    id: uuid.UUID
    user_id: uuid.UUID
    subject: str
    body: str
    status: EmailStatus
    created_at: datetime
    sent_at: datetime | None
