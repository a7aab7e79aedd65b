"""Reading uploaded spreadsheets safely, and writing the ones the site hands out.

An .xlsx file is a zip archive: a few megabytes can unpack to gigabytes, and a few megabytes
of XML can make openpyxl hold gigabytes of objects. Before openpyxl sees an upload, every
member of the archive is decompressed once, in chunks, counting the bytes it really produces
(the sizes the archive declares may lie): the file is refused as soon as the total passes
`MAX_UNPACKED_BYTES`. The XML members are then scanned, not parsed, counting their tags
(`MAX_TAGS_IN_ROWS` and the other limits below). openpyxl then reads the vetted bytes in
read-only mode, through `xlsx_reader`, which spares it work the import does not need.

Every CSV and XLSX file the site writes goes through `csv_bytes` or `xlsx_bytes`. The CSV
passes each cell through `neutralise_formula`; the XLSX stores text as text cells
(`xlsx_text_cell`), which no spreadsheet runs and which need no visible apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# A realistic file at the row limit (10,000 rows, 22 of the 26 columns filled, as the import
# benchmark writes it) unpacks to 10.5 MB and holds a million tags: the limits leave room
# for the extra parts and markup other programs write.
MAX_UNPACKED_BYTES = 32 * 1024 * 1024
# Bytes alone do not bound memory: a few megabytes of "<c/>" in one row, or of "<xf/>" in the
# styles, make openpyxl hold gigabytes (300 bytes a cell of the row it reads, 500 a style,
# measured). Tags are counted as well. Cells are read a row at a time: all rows together
# bound the time, one row the memory. Shared strings are all held, but as plain text (about
# 40 bytes a tag). Everything else (styles, settings, sheet parts outside rows) is held as
# objects of up to a kilobyte, and a participant list needs few of them.
MAX_TAGS_IN_ROWS = 1_500_000
MAX_TAGS_PER_ROW = 10_000
MAX_LIST_TAGS = 1_000_000
MAX_OTHER_TAGS = 100_000
# Parts that are long lists of one simple element (the shared strings, the calculation
# chain), counted against MAX_LIST_TAGS: by their root, and only with these elements, so
# that no other reader of openpyxl can be pointed at them to build its objects.
LIST_PARTS = {
    b"sst": frozenset(
        b"sst si t r rPr rPh phoneticPr b i u strike sz color rFont family charset scheme "
        b"vertAlign outline shadow condense extend extLst ext".split()
    ),
    b"calcChain": frozenset(b"calcChain c extLst ext".split()),
}
UNPACK_CHUNK = 256 * 1024
DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M"
# OWASP CSV injection: spreadsheets treat cells starting with these as formulas.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Workbook parts never declare a DTD; one that does may hide entity expansion attacks.
DOCTYPE_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
# The local name of a start or end tag.
TAG_NAME = re.compile(rb"</?(?:[^\s<>/:=!?]+:)?([^\s<>/:=!?]+)")
# A row tag (start or end, any prefix), or the start of what holds no elements: a comment,
# a CDATA section or a processing instruction, skipped up to its end.
ROW_OR_SKIPPED = re.compile(rb"<(?:(/?)([^\s<>/:=!?]+:)?row(?=[\s/>])|(!--|!\[CDATA\[|\?))")
SKIPPED_UNTIL = {b"!--": b"-->", b"![CDATA[": b"]]>", b"?": b"?>"}
# The rest of a start tag: attributes (quoted values may hold ">"), then ">" or "/>".
START_TAG_REST = re.compile(rb"""(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(/?)>""")
UTF8_BOM = b"\xef\xbb\xbf"
# XML in these the tag count cannot read (every "<" is two or four bytes, with NULs).
OTHER_ENCODINGS = ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")

NOT_A_WORKBOOK = gettext_lazy(
    "This file is not an Excel workbook, whatever its name says. Save it from your "
    "spreadsheet as “Excel Workbook (.xlsx)” or “CSV UTF-8” and upload it again."
)


class NotAWorkbook(ValidationError):
    def __init__(self) -> None:
        super().__init__(str(NOT_A_WORKBOOK))


def neutralise_formula(value: Any) -> Any:
    """Text a spreadsheet will show rather than run (OWASP CSV injection); others unchanged.

    Every CSV the site writes passes its cells through here.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def undo_formula_guard(text: str) -> str:
    """Text read back from a file we wrote: without the apostrophe `neutralise_formula` added."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_TRIGGERS:
        return text[1:]
    return text


def cell_text(value: Any) -> str:
    """A cell as trimmed text; numbers without a spurious '.0', dates in ISO format."""
    if value is None:
        return ""
    if isinstance(value, str):
        return undo_formula_guard(value.strip())
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.strftime(DATE_FORMAT)
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value).strip()


def csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """Numbered rows of CSV bytes: UTF-8 with or without BOM; comma, semicolon or tab separated."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        # Guessing another encoding would silently garble names: ask for UTF-8 instead.
        raise ValidationError(
            _(
                "Line %(line)d of the file is not UTF-8 text, so names with accents or other "
                "scripts would be garbled. In Excel choose File → Save As → “CSV UTF-8 "
                "(Comma delimited) (*.csv)” and upload the new file."
            )
            % {"line": line}
        ) from None
    header_line = text.split("\n", 1)[0]
    # Excel writes semicolons where the decimal separator is a comma (Indonesian locale).
    delimiter = max((",", ";", "\t"), key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as error:
        raise ValidationError(
            _("Line %(line)d of the file cannot be read as CSV (%(reason)s).")
            % {"line": reader.line_num, "reason": error}
        ) from None


class TooLarge(ValidationError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "The workbook holds far more than a participant list needs. Copy the "
                "participant rows into a new workbook and upload that."
            )
        )


def check_archive(
    data: bytes,
    *,
    limit: int = MAX_UNPACKED_BYTES,
    max_tags_in_rows: int = MAX_TAGS_IN_ROWS,
    max_tags_per_row: int = MAX_TAGS_PER_ROW,
    max_list_tags: int = MAX_LIST_TAGS,
    max_other_tags: int = MAX_OTHER_TAGS,
) -> None:
    """Refuse a zip that unpacks to more than `limit` bytes or too many tags, or is damaged.

    Every member is decompressed in chunks, counting the bytes produced (the sizes the
    archive declares may lie), and decompression stops at the first byte past the limit. A
    member that is XML is then scanned without being parsed (`count_tags`), and its tags
    counted against the limits; one declaring a DTD, or written in another encoding than
    UTF-8, is refused.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError):
        raise NotAWorkbook from None
    unpacked = in_rows = in_lists = other = 0
    with archive:
        for info in archive.infolist():
            content = bytearray()
            try:
                with archive.open(info) as member:
                    while chunk := member.read(UNPACK_CHUNK):
                        unpacked += len(chunk)
                        if unpacked > limit:
                            raise ValidationError(
                                _(
                                    "The workbook unpacks to more than %(limit)d MB, far more "
                                    "than a participant list needs. Copy the participant rows "
                                    "into a new workbook and upload that."
                                )
                                % {"limit": limit // 1024 // 1024}
                            )
                        content += chunk
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
                # Damaged data, a bad checksum, an unknown compression or a password.
                raise NotAWorkbook from None
            count = count_tags(content, max_tags_per_row=max_tags_per_row)
            in_rows += count.in_rows
            if count.is_list:
                in_lists += count.outside_rows
            else:
                other += count.outside_rows
            if in_rows > max_tags_in_rows or in_lists > max_list_tags or other > max_other_tags:
                raise TooLarge


@dataclass(frozen=True)
class TagCount:
    in_rows: int = 0
    outside_rows: int = 0
    is_list: bool = False  # one of LIST_PARTS


def count_tags(content: bytes | bytearray, *, max_tags_per_row: int) -> TagCount:
    """How many tags an XML part holds, in rows and outside them (none for a part not XML).

    Counts "<" outside comments, CDATA sections and processing instructions, where every "<"
    opens a tag. Raises TooLarge for a row of more than `max_tags_per_row` tags, and
    NotAWorkbook for what openpyxl might read differently from this count: a DTD, another
    encoding than UTF-8, rows nested or closed out of turn, rows named with two prefixes, or
    a list part (LIST_PARTS) with other elements than its own.
    """
    start = len(UTF8_BOM) if content.startswith(UTF8_BOM) else 0
    head = bytes(content[:64])
    if not head[start:].lstrip().startswith(b"<"):
        for encoding in OTHER_ENCODINGS:
            if head.decode(encoding, errors="ignore").lstrip("\ufeff \t\r\n").startswith("<"):
                raise NotAWorkbook
        return TagCount()  # not XML (an image, printer settings): openpyxl does not parse it
    if b"\x00" in content or any(marker in content for marker in DOCTYPE_MARKERS):
        raise NotAWorkbook  # NULs: UTF-16 or UTF-32 after all
    outside = in_rows = row_tags = 0
    in_row = False
    row_prefix = None
    root = None
    position = start
    while match := ROW_OR_SKIPPED.search(content, position):
        found = content.count(b"<", position, match.start())
        if root is None and found:
            root = TAG_NAME.match(content, content.index(b"<", position)).group(1)
        if in_row:
            row_tags += found
        else:
            outside += found
        skipped = match.group(3)
        if skipped:
            end = content.find(SKIPPED_UNTIL[skipped], match.end())
            if end < 0:
                raise NotAWorkbook
            position = end + len(SKIPPED_UNTIL[skipped])
            continue
        closing, prefix = match.group(1), match.group(2) or b""
        if row_prefix is None:
            row_prefix = prefix
        if prefix != row_prefix:
            raise NotAWorkbook
        if closing:
            end = content.find(b">", match.end())
            if not in_row or end < 0:
                raise NotAWorkbook
            row_tags += 1
            if row_tags > max_tags_per_row:
                raise TooLarge
            in_rows += row_tags
            in_row = False
            position = end + 1
            continue
        rest = START_TAG_REST.match(content, match.end())
        if in_row or rest is None:
            raise NotAWorkbook
        if rest.group(1):  # <row …/>: an empty row
            in_rows += 1
        else:
            in_row, row_tags = True, 1
        position = rest.end()
    found = content.count(b"<", position)
    if root is None and found:
        root = TAG_NAME.match(content, content.index(b"<", position)).group(1)
    if in_row:
        # A row never closed: openpyxl fails on it, but only after holding all of it.
        if row_tags + found > max_tags_per_row:
            raise TooLarge
        raise NotAWorkbook
    outside += found
    allowed = LIST_PARTS.get(root)
    if allowed is None:
        return TagCount(in_rows=in_rows, outside_rows=outside)
    if in_rows or not set(TAG_NAME.findall(content)) <= allowed:
        raise NotAWorkbook
    return TagCount(outside_rows=outside, is_list=True)


def xlsx_rows(data: bytes) -> Iterator[tuple[int, tuple]]:
    """Numbered rows of the "Participants" sheet (or the first sheet) of an .xlsx workbook.

    Checks the archive first (`check_archive`); raises ValidationError for anything openpyxl
    cannot read. Rows come as openpyxl gives them in read-only mode with cached values:
    str, int, float, bool, datetime and the like, None where empty; a row as long as its
    last cell, a missing row as ().
    """
    from .xlsx_reader import open_workbook, sheet_rows

    check_archive(data)
    try:
        workbook = open_workbook(data)
    except Exception:  # openpyxl raises a dozen types for damaged or foreign files
        raise NotAWorkbook from None
    try:
        if "Participants" in workbook.sheetnames:
            sheet = workbook["Participants"]
        else:
            sheet = workbook.worksheets[0]
        yield from sheet_rows(sheet)
    except ValidationError:
        raise
    except Exception:  # a zip with damaged sheet XML fails only once it is read
        raise NotAWorkbook from None
    finally:
        workbook.close()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV file of `header` and `rows`, every cell neutralised.

    UTF-8 with a byte-order mark: without it Excel reads the file in the machine's code page
    and garbles accents and other scripts.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise_formula(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise_formula(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str) -> bytes:
    """A one-sheet XLSX workbook: a bold, frozen header row over `rows`.

    Text that a spreadsheet would read as a formula ("=…", "+62…") is stored as a text cell
    (`xlsx_text_cell`): shown as written, never run, with no apostrophe added.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    format_header(sheet, header)
    bold = Font(bold=True)
    cells = []
    for label in header:
        cell = xlsx_text_cell(sheet, label)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        sheet.append([xlsx_text_cell(sheet, cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_text_cell(sheet, value: Any):
    """A write-only cell of `value`; text is always a text cell, never a formula.

    openpyxl would store text starting with "=" as a formula: the cell's type is set back to
    text, and its quote prefix keeps it text when someone edits it in Excel.
    """
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def format_header(sheet, header: Sequence[str]) -> None:
    """Freeze the header row and size each column to its heading."""
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "A2"
    for index, label in enumerate(header, start=1):
        width = min(max(len(str(label)) + 2, 12), 40)
        sheet.column_dimensions[get_column_letter(index)].width = width
