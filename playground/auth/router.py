from fastapi import APIRouter

from playground.auth import exceptions, service, utils
from playground.auth.dependencies import AuthConfigDep, PasswordHasherDep, ThrottledLogin
from playground.auth.schemas import TokenResponse
from playground.database import SessionDep
from playground.exceptions import MalformedBody
from playground.openapi import error_responses
from playground.routing import PlaygroundRoute

router = APIRouter(prefix="/auth", tags=["auth"], route_class=PlaygroundRoute)


@router.post(
    "/token",
    summary="Log in (OAuth2 password flow)",
    responses=error_responses(
        MalformedBody,
        exceptions.InvalidCredentials,
        exceptions.UserInactive,
        exceptions.TooManyAttempts,
    ),
)
async def issue_token(
    form: ThrottledLogin,
    session: SessionDep,
    config: AuthConfigDep,
    hasher: PasswordHasherDep,
) -> TokenResponse:
    """Exchange a username and password for a bearer token."""
    user = await service.authenticate(
        session=session, username=form.username, password=form.password, hasher=hasher
    )
    return TokenResponse(access_token=utils.create_access_token(user_id=user.id, config=config))
