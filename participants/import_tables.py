"""Reading an uploaded participant list (CSV or XLSX) into a table of rows keyed by column.

The file's size is checked before anything is read, and workbooks are vetted by
`spreadsheets` before a parser sees them; the import (`imports`) validates the rows.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from programs.uploads import IMPORT, check_upload_size

from .columns import COLUMNS, column_label, comparable, header_aliases, without_note
from .spreadsheets import cell_text, csv_rows, undo_formula_guard, xlsx_rows

MAX_ROWS = 10_000
# A spreadsheet may carry formatting far below its data; this many empty rows in a row end it.
MAX_BLANK_RUN = 1_000
Result = TypeVar("Result")


def without_cycle_collection(function: Callable[..., Result]) -> Callable[..., Result]:
    """Run `function` with Python's cycle collector paused, then restore it.

    A file of thousands of rows allocates hundreds of thousands of objects that all live
    until the end (cells, rows, model instances); the collector would otherwise walk every
    object of the process again and again while they pile up: a sixth of an import's time,
    for nothing to collect. Reference counting still frees everything as usual. The web
    workers handle one request at a time, so nothing else runs meanwhile.
    """

    @wraps(function)
    def wrapper(*args, **kwargs) -> Result:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return wrapper


@dataclass
class Table:
    """The rows of an uploaded file, each as (row number in the file, {column key: cell})."""

    rows: list[tuple[int, dict[str, Any]]]
    ignored_headers: list[str] = field(default_factory=list)


@without_cycle_collection
def read_upload(upload: UploadedFile) -> Table:
    """The participant rows of an uploaded .csv or .xlsx file.

    Raises ValidationError with a message for the organiser when the file is too large
    (packed or unpacked), of another type, not readable, lacks required columns or has too
    many rows. The size is checked before anything is read.
    """
    check_upload_size(upload, kind=IMPORT)
    name = (upload.name or "").lower()
    if name.endswith(".csv"):
        return read_csv(upload.read())
    if name.endswith(".xlsx"):
        return table_from_rows(xlsx_rows(upload.read()))
    raise ValidationError(_("Upload a .csv or .xlsx file."))


def read_csv(data: bytes) -> Table:
    return table_from_rows(csv_rows(data))


def as_text(value: Any) -> str:
    # Cells reach the validator as trimmed text already, except dates: skip the conversion.
    return value if type(value) is str else cell_text(value)


DATE_KEYS = frozenset({"passport_expiry", "date_of_birth", "arrival_at", "departure_at"})


def table_from_rows(rows: Iterable[tuple[int, Sequence[Any]]]) -> Table:
    """Map the header row (the first) to column keys and collect the non-empty rows below.

    Cells become trimmed text, except date cells of the date columns, which stay dates.
    """
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        raise ValidationError(_("The file is empty."))
    header_number, header = first
    aliases = header_aliases()
    mapping: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    ignored: list[str] = []
    for index, cell in enumerate(header):
        heading = cell_text(cell)
        if not heading:
            continue
        key = aliases.get(comparable(heading.rstrip("* ")))
        if key is None:
            key = aliases.get(comparable(without_note(heading)))
        if key is None:
            ignored.append(heading)
            continue
        if key in seen:
            raise ValidationError(
                _("Columns %(first)s and %(second)s of the header row are both “%(label)s”.")
                % {
                    "first": get_column_letter(seen[key] + 1),
                    "second": get_column_letter(index + 1),
                    "label": column_label(key),
                }
            )
        seen[key] = index
        mapping.append((index, key))
    missing = [column_label(c.key) for c in COLUMNS if c.required and c.key not in seen]
    if missing:
        raise ValidationError(
            _("The header row (row %(row)d) has no column “%(columns)s”. Start from the template.")
            % {"row": header_number, "columns": "”, “".join(missing)}
        )
    too_many = _("The file has more than %(limit)s participant rows. Split it into smaller files.")
    return Table(
        rows=filled_rows(_cells(iterator, mapping), too_many=too_many), ignored_headers=ignored
    )


def _cells(
    rows: Iterable[tuple[int, Sequence[Any]]], mapping: list[tuple[int, str]]
) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, row in rows:
        length = len(row)
        cells = {}
        for index, key in mapping:
            if index >= length:
                continue
            value = row[index]
            if value is None:
                continue
            if type(value) is str:
                value = value.strip()
                if not value:
                    continue
                if value[0] == "'":
                    value = undo_formula_guard(value)
            elif not (key in DATE_KEYS and isinstance(value, date)):
                value = cell_text(value)
                if not value:
                    continue
            cells[key] = value
        yield number, cells


def filled_rows(
    rows: Iterable[tuple[int, dict[str, Any]]], *, too_many: str
) -> list[tuple[int, dict[str, Any]]]:
    """The rows that have cells, at most MAX_ROWS of them (else ValidationError `too_many`,
    given the limit); a run of MAX_BLANK_RUN empty rows ends the sheet."""
    kept: list[tuple[int, dict[str, Any]]] = []
    blank_run = 0
    for number, cells in rows:
        if not cells:
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        if len(kept) == MAX_ROWS:
            raise ValidationError(too_many % {"limit": f"{MAX_ROWS:,}"})
        kept.append((number, cells))
    return kept
