from typing import Annotated

from fastapi import APIRouter, Depends, status
from fastapi.security import OAuth2PasswordRequestForm

from playground.auth import exceptions, service, utils
from playground.auth.dependencies import AuthConfigDep, PasswordHasherDep, TokenData
from playground.auth.models import AuthUser
from playground.auth.schemas import TokenResponse, UserCreate, UserResponse
from playground.database import SessionDep
from playground.exceptions import MalformedBody, error_responses

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post(
    "/users",
    status_code=status.HTTP_201_CREATED,
    response_model=UserResponse,
    summary="Register a user",
    responses=error_responses(MalformedBody, exceptions.UsernameTaken, exceptions.EmailTaken),
)
async def register_user(
    data: UserCreate, session: SessionDep, hasher: PasswordHasherDep
) -> AuthUser:
    """Create a user and their profile."""
    return await service.create(session=session, data=data, hasher=hasher)


@router.post(
    "/token",
    status_code=status.HTTP_200_OK,
    response_model=TokenResponse,
    summary="Log in (OAuth2 password flow)",
    responses=error_responses(MalformedBody, exceptions.InvalidCredentials),
)
async def issue_token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    config: AuthConfigDep,
    hasher: PasswordHasherDep,
) -> TokenResponse:
    """Exchange a username and password for a bearer token."""
    user = await service.authenticate(
        session=session, username=form.username, password=form.password, hasher=hasher
    )
    return TokenResponse(access_token=utils.create_access_token(user_id=user.id, config=config))


@router.get(
    "/users/me",
    status_code=status.HTTP_200_OK,
    response_model=UserResponse,
    summary="The current user",
    responses=error_responses(exceptions.InvalidToken),
)
async def read_me(token: TokenData, session: SessionDep) -> AuthUser:
    """The user the bearer token speaks for."""
    user = await service.get_by_id(session=session, user_id=token.user_id)
    if user is None:  # deleted between the token check and now
        raise exceptions.InvalidToken()
    return user
