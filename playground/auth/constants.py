from enum import StrEnum


class ErrorCode(StrEnum):
    USERNAME_TAKEN = "USERNAME_TAKEN"
    EMAIL_TAKEN = "EMAIL_TAKEN"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    INVALID_TOKEN = "INVALID_TOKEN"
    USER_INACTIVE = "USER_INACTIVE"
    USER_NOT_OWNER = "USER_NOT_OWNER"


class MusicBand(StrEnum):
    AEROSMITH = "AEROSMITH"
    QUEEN = "QUEEN"
    ACDC = "AC/DC"


DEV_JWT_SECRET = "playground-development-secret-not-for-deployment"
MIN_JWT_SECRET_BYTES = 32
