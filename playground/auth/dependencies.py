import uuid
from typing import Annotated, Any

import jwt
from fastapi import Depends, Form, Request
from fastapi.security import OAuth2PasswordBearer

from playground.auth import exceptions, service, utils
from playground.auth.config import AuthConfig
from playground.auth.schemas import JWTData, LoginForm, UserCreate
from playground.auth.utils import PasswordHasher
from playground.database import SessionDep
from playground.throttling import Throttle

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


def get_throttle(request: Request) -> Throttle:
    throttle: Throttle = request.app.state.throttle
    return throttle


ThrottleDep = Annotated[Throttle, Depends(get_throttle)]


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def _count(throttle: Throttle, *checks: tuple[str, str, str, str]) -> None:
    """One hit per (rates, action, kind, key); 429 ``TOO_MANY_ATTEMPTS`` at the first over."""
    for rates, *key in checks:
        retry_after = await throttle.hit(rates, *key)
        if retry_after is not None:
            raise exceptions.TooManyAttempts(retry_after=retry_after)


async def throttled_login(
    form: Annotated[LoginForm, Form()],
    request: Request,
    config: AuthConfigDep,
    throttle: ThrottleDep,
) -> LoginForm:
    """The login form, if this client and this username are under their rates; 429 otherwise."""
    await _count(
        throttle,
        (config.LOGIN_RATE_PER_CLIENT, "login", "client", _client(request)),
        (config.LOGIN_RATE_PER_USERNAME, "login", "username", form.username.strip().lower()),
    )
    return form


async def throttled_registration(
    data: UserCreate, request: Request, config: AuthConfigDep, throttle: ThrottleDep
) -> UserCreate:
    """The new user's data, if this client and this username are under their rates."""
    await _count(
        throttle,
        (config.REGISTER_RATE_PER_CLIENT, "register", "client", _client(request)),
        (config.REGISTER_RATE_PER_USERNAME, "register", "username", data.username),
    )
    return data


ThrottledLogin = Annotated[LoginForm, Depends(throttled_login)]
ThrottledRegistration = Annotated[UserCreate, Depends(throttled_registration)]
