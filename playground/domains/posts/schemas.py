import uuid
from datetime import datetime

from pydantic import Field

from playground.domains.posts.constants import MAX_RATING, MIN_RATING
from playground.models import CustomModel, Text


class PostCreate(CustomModel):
    title: Text = Field(min_length=1, max_length=200)
    body: Text = Field(min_length=1, max_length=10_000)


class PostUpdate(PostCreate):
    """A full replacement (``PUT``): the same fields as on creation."""


class PostResponse(CustomModel):
    id: uuid.UUID
    author_id: uuid.UUID
    title: str
    body: str
    created_at: datetime
    updated_at: datetime


class PostSummary(CustomModel):
    """A post in a list: its author's username and its reviews, aggregated by the database."""

    id: uuid.UUID
    title: str
    created_at: datetime
    author_username: str
    review_count: int
    average_rating: float | None = Field(description="The mean rating; null with no reviews.")


class ReviewCreate(CustomModel):
    rating: int = Field(ge=MIN_RATING, le=MAX_RATING)
    comment: Text = Field(default="", max_length=2000)


class ReviewResponse(CustomModel):
    id: uuid.UUID
    post_id: uuid.UUID
    author_id: uuid.UUID
    rating: int
    comment: str
    created_at: datetime
