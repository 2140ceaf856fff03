from playground.domains.post_attachments.constants import ErrorCode
from playground.exceptions import Conflict, NotFound


class AttachmentNotFound(NotFound):
    code = ErrorCode.ATTACHMENT_NOT_FOUND
    detail = "Attachment not found"


class AttachmentNotUploaded(Conflict):
    code = ErrorCode.ATTACHMENT_NOT_UPLOADED
    detail = "The file is not in storage with the declared size; upload it first"
