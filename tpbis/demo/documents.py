"""Small one-page PDF files standing in for the documents of the demo's nominations.

Written by hand rather than rendered: a page of plain text in a standard font needs no
renderer, and loading the demo stays fast.
"""

import textwrap

# A4 in points, with 2 cm margins.
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = 595, 842, 57
LINE_HEIGHT = 16
WRAP_AT = 80


def _pdf_string(text: str) -> bytes:
    # Helvetica with WinAnsiEncoding (cp1252) covers the Latin spellings the demo writes.
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("cp1252", errors="replace") + b")"


def text_pdf(title: str, paragraphs: list[str]) -> bytes:
    """A one-page PDF: `title` in bold, then the paragraphs, wrapped."""
    lines = [b"BT", b"/F2 14 Tf", f"{MARGIN} {PAGE_HEIGHT - MARGIN} Td".encode()]
    lines += [f"{LINE_HEIGHT} TL".encode(), _pdf_string(title) + b" Tj", b"/F1 11 Tf", b"T*"]
    for paragraph in paragraphs:
        for line in textwrap.wrap(paragraph, WRAP_AT) or [""]:
            lines.append(b"T* " + _pdf_string(line) + b" Tj")
        lines.append(b"T*")
    lines.append(b"ET")
    content = b"\n".join(lines)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] " % (PAGE_WIDTH, PAGE_HEIGHT)
        + b"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        pdf += b"%010d 00000 n \n" % offset
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(pdf)
