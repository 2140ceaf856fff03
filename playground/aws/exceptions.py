from playground.aws.constants import ErrorCode
from playground.exceptions import ServiceUnavailable


class StorageUnavailable(ServiceUnavailable):
    code = ErrorCode.STORAGE_UNAVAILABLE
    detail = "File storage is unavailable; try again later"
