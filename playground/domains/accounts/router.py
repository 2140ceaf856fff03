from fastapi import APIRouter, status

from playground.auth import dependencies as auth_dependencies
from playground.auth import exceptions as auth_exceptions
from playground.database import SessionDep
from playground.domains.accounts import flows
from playground.domains.accounts.schemas import AccountResponse
from playground.exceptions import MalformedBody
from playground.openapi import error_responses
from playground.routing import PlaygroundRoute

# The paths stay under /auth; the routes live here because registering creates a profile.
router = APIRouter(prefix="/auth", tags=["auth"], route_class=PlaygroundRoute)


@router.post(
    "/users",
    status_code=status.HTTP_201_CREATED,
    summary="Register a user",
    responses=error_responses(
        MalformedBody,
        auth_exceptions.UsernameTaken,
        auth_exceptions.EmailTaken,
        auth_exceptions.TooManyAttempts,
    ),
)
async def register_user(
    data: auth_dependencies.ThrottledRegistration,
    session: SessionDep,
    hasher: auth_dependencies.PasswordHasherDep,
) -> AccountResponse:
    """Create a user and their profile; the answer carries both ids."""
    return await flows.register(session=session, data=data, hasher=hasher)


@router.get(
    "/users/me",
    summary="The current user",
    responses=error_responses(auth_exceptions.InvalidToken, auth_exceptions.UserInactive),
)
async def read_me(token: auth_dependencies.ActiveUser, session: SessionDep) -> AccountResponse:
    """The user the bearer token speaks for, with their profile's id."""
    account = await flows.read_account(session=session, user_id=token.user_id)
    if account is None:  # deleted between the token check and now
        raise auth_exceptions.InvalidToken()
    return account
