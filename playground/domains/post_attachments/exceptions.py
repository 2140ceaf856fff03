from playground.domains.post_attachments.constants import ErrorCode
from playground.exceptions import Conflict, NotFound


class AttachmentNotFound(NotFound):
    code = ErrorCode.ATTACHMENT_NOT_FOUND
    detail = "Attachment not found"


class AttachmentNotUploaded(Conflict):
    code = ErrorCode.ATTACHMENT_NOT_UPLOADED
    detail = "The file is not in storage; upload it first"


class AttachmentRejected(Conflict):
    code = ErrorCode.ATTACHMENT_REJECTED
    detail = "The uploaded file does not have the declared size or type; it was deleted"
