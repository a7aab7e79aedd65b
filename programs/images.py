"""Uploaded images are checked by their content, limited in size, and re-encoded.

Re-encoding to a modest JPEG drops anything hidden in the original file (metadata, trailing
payloads) and keeps PDFs fast: large PNG photos cost seconds each to render.
"""

from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .uploads import PHOTO, UploadKind, check_upload_size

MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def reencode_image(
    upload: UploadedFile,
    *,
    kind: UploadKind = PHOTO,
    max_side: int = 600,
    max_pixels: int = MAX_PIXELS,
) -> ContentFile:
    """A JPEG copy of an uploaded image, at most `max_side` pixels on its longer side.

    Raises ValidationError when the file is larger than its kind allows, is not an image
    whatever its name says, or has too many pixels (a decompression bomb).
    """
    check_upload_size(upload, kind=kind)
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
    except Image.DecompressionBombError as error:
        # Pillow refuses to open images of more than twice its own pixel limit.
        raise ValidationError(_("The image has too many pixels.")) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(_("The file is not an image (JPEG, PNG, WebP or GIF).")) from error
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(_("The file is not an image (JPEG, PNG, WebP or GIF)."))
    if width * height > max_pixels:
        raise ValidationError(_("The image has too many pixels."))

    upload.seek(0)
    with Image.open(upload) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail((max_side, max_side))
        if image.mode in ("RGBA", "LA", "P"):
            image = image.convert("RGBA")
            background = Image.new("RGB", image.size, "white")
            background.paste(image, mask=image.getchannel("A"))
            image = background
        elif image.mode != "RGB":
            image = image.convert("RGB")
        output = BytesIO()
        image.save(output, "JPEG", quality=85, optimize=True)
    return ContentFile(output.getvalue(), name="image.jpg")
