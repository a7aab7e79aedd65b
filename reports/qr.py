"""QR codes for printed documents: inline SVG for badges, a JPEG for certificates.

Inline SVG needs no fetch, so the PDF renderer's URL fetcher stays closed; it is also vector,
so badges print sharply at any size. Certificates, rendered by the thousand, embed a JPEG made
in memory and served to the renderer by `reports.pdf.generated_url`. A badge's code holds only
the participant's badge code, the unguessable token the check-in scanner looks up: never a name,
e-mail or passport number.
"""

import io

import segno
import zxingcpp
from django.utils.safestring import SafeString, mark_safe
from PIL import Image


def qr_svg(data: str) -> SafeString:
    """An inline `<svg>` QR code of `data`, sized by CSS through its viewBox.

    Medium error correction (raised by segno when it fits at no cost) survives a bent or
    scratched badge; the quiet zone of four modules is kept so phone scanners lock on.
    """
    code = segno.make(data, error="m", micro=False)
    # segno writes only the QR path data (no text from `data`), so the markup is safe.
    return mark_safe(code.svg_inline(scale=1, omitsize=True, dark="#000"))  # noqa: S308


# A certificate's code is a JPEG of exactly one 8×8 JPEG block per module: every block is a
# single flat colour, which JPEG stores exactly, so the code prints as crisp as a vector one.
# The PDF renderer embeds a JPEG as it is, while it decodes and re-encodes a PNG: together with
# zxing-cpp's encoder (C++) this makes the code cost about a millisecond a certificate, against
# some fifteen for an inline SVG path.
JPEG_MODULE_PIXELS = 8


def qr_jpeg(data: str) -> bytes:
    """A QR code of `data` (medium error correction, quiet zone kept) as a greyscale JPEG."""
    code = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    pixels = code.to_image(scale=JPEG_MODULE_PIXELS, add_quiet_zones=True)
    height, width = pixels.shape
    buffer = io.BytesIO()
    Image.frombytes("L", (width, height), bytes(pixels)).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()
