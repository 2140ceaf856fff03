import uuid
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from playground.auth import exceptions, service, utils
from playground.auth.config import AuthConfig
from playground.auth.schemas import JWTData
from playground.auth.utils import PasswordHasher
from playground.database import SessionDep

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


def get_auth_config(request: Request) -> AuthConfig:
    config: AuthConfig = request.app.state.auth_config
    return config


def get_password_hasher(request: Request) -> PasswordHasher:
    hasher: PasswordHasher = request.app.state.password_hasher
    return hasher


AuthConfigDep = Annotated[AuthConfig, Depends(get_auth_config)]
PasswordHasherDep = Annotated[PasswordHasher, Depends(get_password_hasher)]


def _subject(claims: dict[str, Any]) -> uuid.UUID:
    sub = claims.get("sub")
    if not isinstance(sub, str):
        raise exceptions.InvalidToken()
    try:
        return uuid.UUID(sub)
    except ValueError:
        raise exceptions.InvalidToken() from None


async def parse_jwt_data(
    token: Annotated[str | None, Depends(oauth2_scheme)],
    session: SessionDep,
    config: AuthConfigDep,
) -> JWTData:
    """Verify the bearer token and load who it speaks for; 401 ``INVALID_TOKEN`` otherwise."""
    if not token:
        raise exceptions.InvalidToken("Not authenticated")
    try:
        claims = utils.decode_access_token(token, config=config)
    except jwt.PyJWTError:
        raise exceptions.InvalidToken() from None
    token_data = await service.get_token_data(session=session, user_id=_subject(claims))
    if token_data is None:
        raise exceptions.InvalidToken()
    return token_data


TokenData = Annotated[JWTData, Depends(parse_jwt_data)]


async def valid_active_user(token: TokenData) -> JWTData:
    """The token's user, if active; 403 ``USER_INACTIVE`` otherwise."""
    if not token.is_active:
        raise exceptions.UserInactive()
    return token


ActiveUser = Annotated[JWTData, Depends(valid_active_user)]
