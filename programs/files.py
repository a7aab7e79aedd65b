"""Serving files kept in storage.

Every stored file (uploads and generated documents) reaches the browser only through a view that
has checked who asks, which streams it from the storage: from the local folder, or straight from
the bucket when the files are kept in S3-compatible object storage. Redirecting to a signed URL
of the bucket would not do: the URL works for whoever holds it until it expires (browser
history, proxy logs, a forwarded link), the bucket need not be reachable from the browser, the
pages' Content-Security-Policy allows images from the site alone, and the headers the views set
(Content-Disposition, Cache-Control: no-store) would have to be delegated to the bucket.
"""

from pathlib import PurePosixPath

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
        handle = field_file.storage.open(field_file.name, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    length = None
    stored_object = getattr(handle, "obj", None)  # django-storages' S3File: an object in a bucket
    if stored_object is not None:
        # Read from the bucket as the response is sent, rather than downloaded whole first.
        try:
            fetched = stored_object.get()
        except stored_object.meta.client.exceptions.NoSuchKey as error:
            raise Http404 from error  # deleted since it was opened
        handle.close()
        handle, length = fetched["Body"], fetched["ContentLength"]
    response = FileResponse(
        handle,
        as_attachment=as_attachment,
        # The stored name's last part, as a file on disk gives it, unless the view names it.
        filename=filename or PurePosixPath(field_file.name).name,
        content_type=content_type,
    )
    if length is not None:
        response["Content-Length"] = str(length)
    return response
