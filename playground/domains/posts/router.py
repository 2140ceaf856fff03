from fastapi import APIRouter, BackgroundTasks, status

from playground.auth import dependencies as auth_dependencies
from playground.auth import exceptions as auth_exceptions
from playground.database import SessionDep, SessionmakerDep
from playground.domains.creators import dependencies as creators_dependencies
from playground.domains.creators import exceptions as creators_exceptions
from playground.domains.notifications import dependencies as notifications_dependencies
from playground.domains.notifications import service as notifications_service
from playground.domains.posts import exceptions, service
from playground.domains.posts.dependencies import OwnedPost, UserPost, ValidPost
from playground.domains.posts.models import Post, PostReview
from playground.domains.posts.schemas import (
    PostCreate,
    PostResponse,
    PostSummary,
    PostUpdate,
    ReviewCreate,
    ReviewResponse,
)
from playground.exceptions import MalformedBody
from playground.openapi import error_responses
from playground.pagination import Page, PageParamsDep
from playground.routing import PlaygroundRoute

router = APIRouter(tags=["posts"], route_class=PlaygroundRoute)

_TOKEN_ERRORS = (auth_exceptions.InvalidToken, auth_exceptions.UserInactive)
_OWNER_ERRORS = (*_TOKEN_ERRORS, auth_exceptions.UserNotOwner)


@router.post(
    "/posts",
    status_code=status.HTTP_201_CREATED,
    response_model=PostResponse,
    summary="Write a post",
    responses=error_responses(MalformedBody, *_TOKEN_ERRORS),
)
async def create_post(
    data: PostCreate, token: auth_dependencies.ActiveUser, session: SessionDep
) -> Post:
    """Create a post as the current user."""
    return await service.create(session=session, author_id=token.user_id, data=data)


@router.get(
    "/posts",
    summary="List posts",
)
async def list_posts(page: PageParamsDep, session: SessionDep) -> Page[PostResponse]:
    """Posts, newest first, a page at a time."""
    posts, total = await service.list_page(session=session, limit=page.limit, offset=page.offset)
    items = [PostResponse.model_validate(post) for post in posts]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


# Declared before ``/posts/{post_id}``, which would otherwise take "summary" for a post id.
@router.get(
    "/posts/summary",
    summary="List posts with author and ratings",
)
async def list_post_summaries(page: PageParamsDep, session: SessionDep) -> Page[PostSummary]:
    """Posts, newest first, with their author's username, review count and average rating:
    one SQL statement per page, whatever its size."""
    items, total = await service.list_summaries(
        session=session, limit=page.limit, offset=page.offset
    )
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get(
    "/posts/{post_id}",  # noqa: FAST003 - a dependency reads it
    response_model=PostResponse,
    summary="Read a post",
    responses=error_responses(exceptions.PostNotFound),
)
async def read_post(post: ValidPost) -> Post:
    """A post by id."""
    return post


@router.put(
    "/posts/{post_id}",  # noqa: FAST003 - a dependency reads it
    response_model=PostResponse,
    summary="Replace your post",
    responses=error_responses(MalformedBody, *_OWNER_ERRORS, exceptions.PostNotFound),
)
async def update_post(post: OwnedPost, data: PostUpdate, session: SessionDep) -> Post:
    """Replace the title and body of your own post."""
    return await service.update(session=session, post=post, data=data)


@router.get(
    "/posts/{post_id}/reviews",  # noqa: FAST003 - a dependency reads it
    summary="List a post's reviews",
    responses=error_responses(exceptions.PostNotFound),
)
async def list_reviews(
    post: ValidPost, page: PageParamsDep, session: SessionDep
) -> Page[ReviewResponse]:
    """Reviews of a post, oldest first, a page at a time."""
    reviews, total = await service.list_reviews(
        session=session, post_id=post.id, limit=page.limit, offset=page.offset
    )
    items = [ReviewResponse.model_validate(review) for review in reviews]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.post(
    "/posts/{post_id}/reviews",  # noqa: FAST003 - a dependency reads it
    status_code=status.HTTP_201_CREATED,
    response_model=ReviewResponse,
    summary="Review a post",
    responses=error_responses(
        MalformedBody, *_TOKEN_ERRORS, exceptions.PostNotFound, exceptions.ReviewExists
    ),
)
async def create_review(
    post: ValidPost,
    data: ReviewCreate,
    token: auth_dependencies.ActiveUser,
    session: SessionDep,
) -> PostReview:
    """Rate a post from 1 to 5, once per user."""
    return await service.create_review(
        session=session, post_id=post.id, author_id=token.user_id, data=data
    )


@router.get(
    "/users/{user_id}/posts/{post_id}",  # noqa: FAST003 - a dependency reads it
    response_model=PostResponse,
    summary="Read your post as a creator",
    responses=error_responses(
        *_OWNER_ERRORS, creators_exceptions.UserNotCreator, exceptions.PostNotFound
    ),
)
async def read_user_post(
    post: UserPost,
    user: auth_dependencies.ActiveUser,
    creator: creators_dependencies.ActiveCreator,
    background_tasks: BackgroundTasks,
    sessionmaker: SessionmakerDep,
    sender: notifications_dependencies.EmailSenderDep,
) -> Post:
    """Owner, active creator, and a notification in the background: chained dependencies."""
    background_tasks.add_task(
        notifications_service.deliver,
        sessionmaker=sessionmaker,
        sender=sender,
        user_id=user.user_id,
        subject="Your post was read",
        body=f"{creator.display_name} opened post {post.id}.",
    )
    return post
