"""The size limit of each kind of upload, checked before anything in the file is read.

Every form that takes a file names its kind here, so that a limit and its message live in
one place; `tpbis.security` caps whole request bodies just above the largest of them.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024


def megabytes(limit: int) -> str:
    """A limit in whole megabytes: "5 MB" reads better than filesizeformat's "5.0 MB"."""
    return gettext("%(megabytes)d MB") % {"megabytes": limit // MB}


@dataclass(frozen=True)
class UploadKind:
    """One kind of upload: what the messages call it and how large a file may be."""

    plural: Promise  # "logos": the message reads "the 5 MB limit for logos"
    max_bytes: int

    @property
    def limit(self) -> str:
        return megabytes(self.max_bytes)


LOGO = UploadKind(_("logos"), 5 * MB)  # programme and partner logos, signatures
PHOTO = UploadKind(_("photos"), 10 * MB)  # participants' photos and the gallery
MATERIAL = UploadKind(_("session materials"), 20 * MB)
IMPORT = UploadKind(_("participant lists"), 5 * MB)
NOMINATION_DOCUMENT = UploadKind(_("nomination documents"), 10 * MB)  # CVs, nomination letters
UPLOAD_KINDS = (LOGO, PHOTO, MATERIAL, IMPORT, NOMINATION_DOCUMENT)
LARGEST_UPLOAD_BYTES = max(kind.max_bytes for kind in UPLOAD_KINDS)


def check_upload_size(upload: UploadedFile, *, kind: UploadKind) -> None:
    """Raise ValidationError, naming the limit, when `upload` is larger than its kind allows."""
    if upload.size is not None and upload.size > kind.max_bytes:
        raise ValidationError(
            gettext("The file is %(size)s, over the %(limit)s limit for %(kinds)s.")
            % {"size": filesizeformat(upload.size), "limit": kind.limit, "kinds": kind.plural}
        )


def _with_limit(message: str | Promise, kind: UploadKind) -> str:
    return str(message) % {"limit": kind.limit}


# A help text naming the kind's limit, translated when the form is shown.
with_limit = lazy(_with_limit, str)
