import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from playground.auth import models as auth_models
from playground.database import FOREIGN_KEY_VIOLATION, violated_constraint
from playground.domains.posts import exceptions
from playground.domains.posts.models import Post, PostReview
from playground.domains.posts.schemas import PostCreate, PostSummary, PostUpdate, ReviewCreate


async def create(*, session: AsyncSession, author_id: uuid.UUID, data: PostCreate) -> Post:
    """Create a post and commit."""
    post = Post(author_id=author_id, title=data.title, body=data.body)
    session.add(post)
    await session.commit()
    return post


async def get_by_id(*, session: AsyncSession, post_id: uuid.UUID) -> Post | None:
    """The post with this id, or ``None``."""
    return await session.get(Post, post_id)


async def list_page(
    *, session: AsyncSession, limit: int, offset: int
) -> tuple[Sequence[Post], int]:
    """A window of posts, newest first, and the total count."""
    total = await session.scalar(select(func.count()).select_from(Post)) or 0
    posts = await session.scalars(
        select(Post).order_by(Post.created_at.desc(), Post.id).limit(limit).offset(offset)
    )
    return posts.all(), total


def summary_query(
    *, limit: int | None = None, offset: int = 0
) -> sa.Select[uuid.UUID, str, datetime, str, int, float | None]:
    """One row per post, newest first: its author's username, review count, average rating.

    With ``limit``, the page of posts is taken first and only its reviews are joined and
    aggregated: a page costs a page of work, not a pass over every post and review.
    """
    if limit is None:
        posts: Any = Post.__table__
        group_by: tuple[Any, ...] = (posts.c.id,)  # the key: the other columns follow from it
    else:
        posts = (
            select(Post.id, Post.title, Post.created_at, Post.author_id)
            .order_by(Post.created_at.desc(), Post.id)
            .limit(limit)
            .offset(offset)
            .subquery("post_page")
        )
        group_by = (posts.c.id, posts.c.title, posts.c.created_at)  # a subquery has no key
    return (
        select(
            posts.c.id,
            posts.c.title,
            posts.c.created_at,
            auth_models.AuthUser.username.label("author_username"),
            func.count(PostReview.id).label("review_count"),
            # A float average on every database (PostgreSQL's avg of integers is a numeric);
            # NULL when the outer join found no review.
            func.avg(sa.cast(PostReview.rating, sa.Float)).label("average_rating"),
        )
        .join(auth_models.AuthUser, auth_models.AuthUser.id == posts.c.author_id)
        .outerjoin(PostReview, PostReview.post_id == posts.c.id)
        .group_by(*group_by, auth_models.AuthUser.username)
        .order_by(posts.c.created_at.desc(), posts.c.id)
    )


async def list_summaries(
    *, session: AsyncSession, limit: int, offset: int
) -> tuple[list[PostSummary], int]:
    """A page of post summaries and the total number of posts, in one SELECT.

    The page is outer-joined to the one-row count, so an empty page still brings the total.
    """
    page = summary_query(limit=limit, offset=offset).subquery("page")
    counted = select(func.count().label("total")).select_from(Post).subquery("counted")
    rows = (
        await session.execute(
            select(counted.c.total, page)
            .select_from(counted.outerjoin(page, sa.true()))
            .order_by(page.c.created_at.desc(), page.c.id)
        )
    ).all()
    summaries = [PostSummary.model_validate(row._mapping) for row in rows if row.id is not None]
    return summaries, rows[0].total


async def update(*, session: AsyncSession, post: Post, data: PostUpdate) -> Post:
    """Replace a post's fields and commit."""
    post.title = data.title
    post.body = data.body
    try:
        await session.commit()
    except StaleDataError:  # deleted by another request since ``valid_post_id`` found it
        raise exceptions.PostNotFound() from None
    return post


async def delete(*, session: AsyncSession, post: Post) -> None:
    """Delete a post (its reviews go with it) and commit."""
    result = await session.execute(sa.delete(Post).where(Post.id == post.id))
    await session.commit()
    if result.rowcount == 0:  # type: ignore[attr-defined]  # already deleted by another request
        raise exceptions.PostNotFound()


async def list_reviews(
    *, session: AsyncSession, post_id: uuid.UUID, limit: int, offset: int
) -> tuple[Sequence[PostReview], int]:
    """A window of a post's reviews, oldest first, and how many it has."""
    of_post = PostReview.post_id == post_id
    total = await session.scalar(select(func.count()).select_from(PostReview).where(of_post))
    reviews = await session.scalars(
        select(PostReview)
        .where(of_post)
        .order_by(PostReview.created_at, PostReview.id)
        .limit(limit)
        .offset(offset)
    )
    return reviews.all(), total or 0


async def create_review(
    *, session: AsyncSession, post_id: uuid.UUID, author_id: uuid.UUID, data: ReviewCreate
) -> PostReview:
    """Review a post once; the unique constraint decides concurrent attempts."""
    review = PostReview(
        post_id=post_id, author_id=author_id, rating=data.rating, comment=data.comment
    )
    session.add(review)
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        constraint = violated_constraint(exc)
        if constraint == "post_review_post_id_author_id_key":
            raise exceptions.ReviewExists() from None
        if constraint in {"post_review_post_id_fkey", FOREIGN_KEY_VIOLATION}:
            # The post was deleted between ``valid_post_id`` and this insert.
            raise exceptions.PostNotFound() from None
        raise
    return review
