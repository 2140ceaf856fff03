import uuid
from typing import Annotated

from fastapi import Depends

from playground.auth import dependencies as auth_dependencies
from playground.auth import exceptions as auth_exceptions
from playground.database import SessionDep
from playground.domains.posts import exceptions, service
from playground.domains.posts.models import Post


async def valid_post_id(post_id: uuid.UUID, session: SessionDep) -> Post:
    """The post named by the path; 404 ``POST_NOT_FOUND`` otherwise."""
    post = await service.get_by_id(session=session, post_id=post_id)
    if post is None:
        raise exceptions.PostNotFound()
    return post


ValidPost = Annotated[Post, Depends(valid_post_id)]


async def valid_owned_post(post: ValidPost, user: auth_dependencies.ActiveUser) -> Post:
    """The path's post, if the (active) caller wrote it; 403 ``USER_NOT_OWNER`` otherwise."""
    if post.author_id != user.user_id:
        raise auth_exceptions.UserNotOwner()
    return post


OwnedPost = Annotated[Post, Depends(valid_owned_post)]


async def valid_user_post(user_id: uuid.UUID, post: OwnedPost) -> Post:
    """``/users/{user_id}/posts/{post_id}``: the post must belong to that user."""
    if post.author_id != user_id:
        raise exceptions.PostNotFound()
    return post


UserPost = Annotated[Post, Depends(valid_user_post)]
