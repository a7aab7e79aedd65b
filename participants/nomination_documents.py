"""What a CV or nomination letter may be: a PDF, a Word (DOCX) or an OpenDocument (ODT) text,
recognised by its content, not by its name or the browser's word for it."""

import zipfile

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from programs.uploads import NOMINATION_DOCUMENT, check_upload_size

PDF = "pdf"
DOCX = "docx"
ODT = "odt"
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ODT: "application/vnd.oasis.opendocument.text",
}
ODT_MIMETYPE = CONTENT_TYPES[ODT].encode()


def document_kind(upload) -> str | None:
    """PDF, DOCX or ODT by what the file holds, or None for anything else."""
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if head.lstrip(b"\r\n\t ").startswith(b"%PDF-"):
        return PDF
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                return DOCX
            if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                return ODT
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    finally:
        upload.seek(0)
    return None


def check_nomination_document(upload: UploadedFile) -> UploadedFile:
    """The upload, renamed to its real extension; ValidationError when too large or not a
    PDF, DOCX or ODT document."""
    check_upload_size(upload, kind=NOMINATION_DOCUMENT)
    kind = document_kind(upload)
    if kind is None:
        raise ValidationError(
            _("Upload a PDF, Word (DOCX) or OpenDocument (ODT) document."), code="invalid_type"
        )
    upload.name = f"document.{kind}"
    return upload


def content_type_of(name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return CONTENT_TYPES.get(extension, "application/octet-stream")
