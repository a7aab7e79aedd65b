"""QR codes for printed documents, as inline SVG.

Inline SVG needs no fetch, so the PDF renderer's URL fetcher stays closed; it is also vector,
so badges print sharply at any size. A badge's code holds only the participant's badge code,
the unguessable token the check-in scanner looks up: never a name, e-mail or passport number.
"""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str) -> SafeString:
    """An inline `<svg>` QR code of `data`, sized by CSS through its viewBox.

    Medium error correction (raised by segno when it fits at no cost) survives a bent or
    scratched badge; the quiet zone of four modules is kept so phone scanners lock on.
    """
    code = segno.make(data, error="m", micro=False)
    # segno writes only the QR path data (no text from `data`), so the markup is safe.
    return mark_safe(code.svg_inline(scale=1, omitsize=True, dark="#000"))  # noqa: S308
