"""Reading, writing and serving files kept in storage (a local folder or a bucket).

Every stored file (uploads and generated documents) reaches the browser only through a view that
has checked who asks, which streams it from the storage: from the local folder, or straight from
the bucket when the files are kept in S3-compatible object storage. Redirecting to a signed URL
of the bucket would not do: the URL works for whoever holds it until it expires (browser
history, proxy logs, a forwarded link), the bucket need not be reachable from the browser, the
pages' Content-Security-Policy allows images from the site alone, and the headers the views set
(Content-Disposition, Cache-Control: no-store) would have to be delegated to the bucket.
"""

from pathlib import PurePosixPath
from typing import BinaryIO

from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def _in_bucket(storage: Storage) -> bool:
    # django-storages' S3 backend; duck-typed so that a deployment on disk never loads boto3.
    return getattr(storage, "bucket_name", None) is not None


def open_stored(name: str, storage: Storage = default_storage) -> tuple[BinaryIO, int | None]:
    """The stored file `name` open for reading from its start, and its size where the stream
    cannot tell it. FileNotFoundError when it is missing.

    From a bucket the object is read as it arrives, rather than first downloaded whole into a
    temporary file as the storage's own `open` does: two requests (its head and its body)
    instead of three, and nothing written to the local disk.
    """
    handle = storage.open(name, "rb")
    stored_object = getattr(handle, "obj", None)  # django-storages' S3File: an object in a bucket
    if stored_object is None:
        return handle, None
    try:
        fetched = stored_object.get()
    except stored_object.meta.client.exceptions.NoSuchKey as error:
        raise FileNotFoundError(name) from error  # deleted since its head was read
    finally:
        handle.close()
    return fetched["Body"], fetched["ContentLength"]


def write_stored(name: str, content: File, storage: Storage = default_storage) -> str:
    """Store `content` under exactly `name`, replacing what was there; returns `name`.

    A bucket replaces an object whole, atomically, in one request. On disk the storage gives a
    clashing name a suffix instead of overwriting (so that two writers never mix their bytes
    in one file): the old file is deleted first, and if another process wrote the same name in
    between, its copy wins and ours (under the suffixed name) is removed, so there is still one
    file.
    """
    if _in_bucket(storage):
        # The storage's hook that writes at the name given (`save` would first ask whether the
        # name is taken, one more request).
        storage._save(name, content)
        return name
    storage.delete(name)
    saved = storage.save(name, content)
    if saved != name:
        storage.delete(saved)
    return name


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
        stream, length = open_stored(field_file.name, field_file.storage)
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        stream,
        as_attachment=as_attachment,
        # The stored name's last part, as a file on disk gives it, unless the view names it.
        filename=filename or PurePosixPath(field_file.name).name,
        content_type=content_type,
    )
    if length is not None:
        response["Content-Length"] = str(length)
    return response
