from playground.domains.posts.constants import ErrorCode
from playground.exceptions import Conflict, NotFound


class PostNotFound(NotFound):
    code = ErrorCode.POST_NOT_FOUND
    detail = "Post not found"


class ReviewExists(Conflict):
    code = ErrorCode.REVIEW_EXISTS
    detail = "You have already reviewed this post"
