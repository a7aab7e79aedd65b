"""Serving files kept in storage."""

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def serve_stored_file(
    field_file: FieldFile | None,
    *,
    content_type: str | None = None,
    as_attachment: bool = False,
    filename: str | None = None,
) -> FileResponse:
    """The stored file as a response; Http404 when the field is empty or the file is missing."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(
        handle, as_attachment=as_attachment, filename=filename or "", content_type=content_type
    )
