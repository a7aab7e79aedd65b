"""Bulk import and export of a programme's participants, as CSV or XLSX.

One column definition (`COLUMNS`) drives the template, the import and the export, so a file
exported from the list imports back unchanged. An import runs in two steps: the upload is
parsed and every row validated into an `ImportBatch` (nothing else is written), and only when
the organiser confirms a batch without errors is it validated again against the current
database and saved in one transaction.

Validation follows the single-participant form's rules but works on whole files: countries,
provinces and the programme's existing participants are loaded once, never per row.

A 5,000-row file is read, checked and saved in a couple of seconds: XLSX sheets are streamed
with expat (openpyxl reads what that reader does not understand) and new participants are
inserted without a model instance per row (`insert_rows`).
"""

from __future__ import annotations

import csv
import io
import logging
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any
from xml.etree import ElementTree
from xml.parsers import expat

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.options import Options
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_countries import countries as all_countries
from openpyxl.utils import get_column_letter

from programs.models import MemberCountry, Programme, Province

from .models import ALLOWED_STATUS_CHANGES, ImportBatch, Participant, StatusChange

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
# A spreadsheet may carry formatting far below its data; this many empty rows in a row end it.
MAX_BLANK_RUN = 1_000
# Travel within a week either side of the programme is plausible (early arrivals, side
# trips); anything further is almost certainly a mistake in the year or month.
TRAVEL_MARGIN = timedelta(days=7)
DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M"
# OWASP CSV injection: spreadsheets treat cells starting with these as formulas.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

NEW, UPDATE, ERROR = "new", "update", "error"

# Indonesian names of the Colombo Plan's members, accepted besides codes and English names.
INDONESIAN_COUNTRY_NAMES = {
    "AF": "Afganistan",
    "AU": "Australia",
    "BD": "Bangladesh",
    "BT": "Bhutan",
    "BN": "Brunei Darussalam",
    "FJ": "Fiji",
    "IN": "India",
    "ID": "Indonesia",
    "IR": "Iran",
    "JP": "Jepang",
    "KR": "Korea Selatan",
    "LA": "Laos",
    "MY": "Malaysia",
    "MV": "Maladewa",
    "MN": "Mongolia",
    "MM": "Myanmar",
    "NP": "Nepal",
    "NZ": "Selandia Baru",
    "PK": "Pakistan",
    "PG": "Papua Nugini",
    "PH": "Filipina",
    "SA": "Arab Saudi",
    "SG": "Singapura",
    "LK": "Sri Lanka",
    "TH": "Thailand",
    "US": "Amerika Serikat",
    "VN": "Vietnam",
}
# Names people commonly write that differ from the English names of django-countries.
COUNTRY_ALIASES = {
    "BN": ["Brunei Darussalam"],
    "IR": ["Iran (Islamic Republic of)", "Islamic Republic of Iran"],
    "KR": ["Korea", "Republic of Korea", "Korea, Republic of", "Republik Korea"],
    "LA": ["Lao PDR", "Lao People's Democratic Republic"],
    "US": ["United States", "USA", "America"],
    "VN": ["Viet Nam"],
}


@dataclass(frozen=True)
class Column:
    """One column of the participant files; `key` is the Participant field it fills."""

    key: str
    label: Promise
    kind: str = "text"  # text, choice, country, nationality, province, email, passport, date…
    required: bool = False
    in_template: bool = True


COLUMNS: tuple[Column, ...] = (
    Column("category", gettext_lazy("Category"), "category", required=True),
    Column("status", gettext_lazy("Status"), "status", in_template=False),
    Column("full_name", gettext_lazy("Full name (as in passport)"), required=True),
    Column("full_name_latin", gettext_lazy("Full name in Latin script")),
    Column("certificate_name", gettext_lazy("Name on certificates")),
    Column("gender", gettext_lazy("Gender"), "gender"),
    Column("country", gettext_lazy("Country"), "country"),
    Column("province", gettext_lazy("Province"), "province"),
    Column("region", gettext_lazy("Region (province, regency or city)")),
    Column("position", gettext_lazy("Position")),
    Column("institution", gettext_lazy("Institution")),
    Column("email", gettext_lazy("E-mail"), "email"),
    Column("phone", gettext_lazy("Phone")),
    Column("nationality", gettext_lazy("Nationality"), "nationality"),
    Column("passport_number", gettext_lazy("Passport number"), "passport"),
    Column("passport_expiry", gettext_lazy("Passport expiry (YYYY-MM-DD)"), "date"),
    Column("arrival_at", gettext_lazy("Arrival (YYYY-MM-DD HH:MM)"), "datetime"),
    Column("departure_at", gettext_lazy("Departure (YYYY-MM-DD HH:MM)"), "datetime"),
    Column("arrival_details", gettext_lazy("Arrival flight or transport")),
    Column("departure_details", gettext_lazy("Departure flight or transport")),
    Column("accommodation", gettext_lazy("Accommodation")),
    Column("dietary_needs", gettext_lazy("Dietary needs")),
    Column("accessibility_needs", gettext_lazy("Accessibility needs")),
    Column("emergency_contact_name", gettext_lazy("Emergency contact name")),
    Column("emergency_contact_phone", gettext_lazy("Emergency contact phone")),
    Column("emergency_contact_relation", gettext_lazy("Emergency contact relation")),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
TEMPLATE_COLUMNS = tuple(column for column in COLUMNS if column.in_template)
EXPORT_COLUMNS = COLUMNS
MAX_LENGTHS = {
    column.key: Participant._meta.get_field(column.key).max_length
    for column in COLUMNS
    if column.kind in ("text", "email", "passport")
}


def column_label(key: str) -> str:
    return str(COLUMN_BY_KEY[key].label)


def _norm(text: str) -> str:
    """A header or choice as compared: case-insensitive, spacing collapsed."""
    return " ".join(text.split()).casefold()


def _without_note(label: str) -> str:
    """'Arrival (YYYY-MM-DD HH:MM)' → 'Arrival', so shortened headers match too."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", label)


def _in_languages(text: Promise) -> set[str]:
    names = {str(text)}
    for language in ("en", "id"):
        with translation.override(language):
            names.add(str(text))
    return names


def header_aliases() -> dict[str, str]:
    """Every accepted spelling of each column heading (normalised) → column key."""
    aliases: dict[str, str] = {}
    for column in COLUMNS:
        verbose = Participant._meta.get_field(column.key).verbose_name
        names = {column.key, column.key.replace("_", " ")}
        names |= _in_languages(column.label) | _in_languages(verbose)
        for name in names:
            aliases.setdefault(_norm(name), column.key)
            aliases.setdefault(_norm(_without_note(name)), column.key)
    aliases.setdefault("e-mail address", "email")
    aliases.setdefault("email address", "email")
    return aliases


def choice_lookup(choices: type) -> dict[str, str]:
    """Value or label (English or Indonesian), normalised → value."""
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[_norm(value)] = value
        for name in _in_languages(label):
            lookup.setdefault(_norm(name), value)
    return lookup


def _choice_values(choices: type) -> str:
    return ", ".join(value for value in choices.values)


# --- Reading files ------------------------------------------------------------------------


@dataclass
class Table:
    """The rows of an uploaded file, each as (row number in the file, {column key: cell})."""

    rows: list[tuple[int, dict[str, Any]]]
    ignored_headers: list[str] = field(default_factory=list)


def read_upload(upload: UploadedFile) -> Table:
    """The participant rows of an uploaded .csv or .xlsx file.

    Raises ValidationError with a message for the organiser when the file is too large, of
    another type, not readable, lacks required columns or has too many rows. The size is
    checked before anything is read.
    """
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is %(size).1f MB; the limit is %(limit)d MB.")
            % {"size": upload.size / 1024 / 1024, "limit": MAX_UPLOAD_BYTES // 1024 // 1024}
        )
    name = (upload.name or "").lower()
    if name.endswith(".csv"):
        return read_csv(upload.read())
    if name.endswith(".xlsx"):
        return read_xlsx(upload)
    raise ValidationError(_("Upload a .csv or .xlsx file."))


def read_csv(data: bytes) -> Table:
    """Rows of CSV bytes: UTF-8 with or without BOM; comma, semicolon or tab separated."""
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
        return table_from_rows(enumerate(reader, start=1))
    except csv.Error as error:
        raise ValidationError(
            _("Line %(line)d of the file cannot be read as CSV (%(reason)s).")
            % {"line": reader.line_num, "reason": error}
        ) from None


def read_xlsx(upload: UploadedFile) -> Table:
    """Rows of the "Participants" sheet (or the first sheet) of an .xlsx workbook.

    The fast reader below handles what spreadsheet programs write; anything it does not
    understand goes through openpyxl, which is thorough but several times slower.
    """
    data = upload.read()
    try:
        return table_from_rows(xlsx_rows(data))
    except ValidationError:
        raise
    except Exception:  # any surprise in the file: let openpyxl judge it
        logger.info("The fast XLSX reader gave up; reading with openpyxl.", exc_info=True)
    return table_from_rows(openpyxl_rows(data))


def openpyxl_rows(data: bytes) -> Iterator[tuple[int, tuple]]:
    """Numbered rows of the participants sheet, read by openpyxl."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises a dozen types for damaged or foreign files
        raise NotAWorkbook from None
    try:
        if "Participants" in workbook.sheetnames:
            sheet = workbook["Participants"]
        else:
            sheet = workbook.worksheets[0]
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    except Exception:  # a zip with damaged sheet XML fails only once it is read
        raise NotAWorkbook from None
    finally:
        workbook.close()


NOT_A_WORKBOOK = gettext_lazy(
    "This file is not an Excel workbook, whatever its name says. Save it from your "
    "spreadsheet as “Excel Workbook (.xlsx)” or “CSV UTF-8” and upload it again."
)


class NotAWorkbook(ValidationError):
    def __init__(self) -> None:
        super().__init__(str(NOT_A_WORKBOOK))


# --- A fast XLSX reader -------------------------------------------------------------------
# openpyxl's read-only mode spends about 20 µs per cell (and a whole extra pass over the
# sheet to find its size), which alone would make a 5,000-row import take seconds. This
# reader streams the sheet XML with expat and keeps only what an import needs: the values.

MAIN_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
RELATIONSHIP_NAMESPACES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
PACKAGE_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Decompressed parts larger than this are refused: a small zip can expand enormously.
MAX_PART_BYTES = 200 * 1024 * 1024


def _names(local: str) -> frozenset[str]:
    return frozenset(f"{namespace} {local}" for namespace in MAIN_NAMESPACES)


def _part(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_PART_BYTES:
        raise ValidationError(_("The workbook is too large once unpacked."))
    return archive.read(info)


def _refuse_doctype(*args: Any) -> None:
    # Workbook parts never declare a DTD; one that does may hide entity expansion attacks.
    raise NotAWorkbook


def _xml(content: bytes | None) -> ElementTree.Element:
    """A small workbook part parsed like defusedxml would: no DTD, hence no entities."""
    if content is None:
        raise LookupError("a workbook part is not where Excel puts it")
    if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
        raise NotAWorkbook
    return ElementTree.fromstring(content)  # noqa: S314 - DTDs refused just above


def _expat() -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    return parser


def _find(root: ElementTree.Element, local: str) -> list[ElementTree.Element]:
    return [
        element for namespace in MAIN_NAMESPACES for element in root.iter(f"{{{namespace}}}{local}")
    ]


def _sheet_path(archive: zipfile.ZipFile) -> str:
    workbook = _xml(_part(archive, "xl/workbook.xml"))
    sheets = _find(workbook, "sheet")
    chosen = next((sheet for sheet in sheets if sheet.get("name") == "Participants"), sheets[0])
    relation = next(
        chosen.get(f"{{{namespace}}}id")
        for namespace in RELATIONSHIP_NAMESPACES
        if chosen.get(f"{{{namespace}}}id")
    )
    relations = _xml(_part(archive, "xl/_rels/workbook.xml.rels"))
    target = next(
        element.get("Target")
        for element in relations.iter(f"{PACKAGE_RELATIONSHIPS}Relationship")
        if element.get("Id") == relation
    )
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(f"xl/{target}")


def _date_styles(archive: zipfile.ZipFile) -> tuple[frozenset[int], frozenset[int]]:
    """Indexes of the cell styles that format numbers as dates and as durations."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

    content = _part(archive, "xl/styles.xml")
    if content is None:
        return frozenset(), frozenset()
    styles = _xml(content)
    formats = dict(BUILTIN_FORMATS)
    for element in _find(styles, "numFmt"):
        formats[int(element.get("numFmtId"))] = element.get("formatCode", "")
    dates, durations = set(), set()
    for cell_formats in _find(styles, "cellXfs"):
        for index, xf in enumerate(cell_formats):
            code = formats.get(int(xf.get("numFmtId", 0)), "")
            if is_timedelta_format(code):
                durations.add(index)
            elif is_date_format(code):
                dates.add(index)
    return frozenset(dates), frozenset(durations)


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    content = _part(archive, "xl/sharedStrings.xml")
    if content is None:
        return []
    strings: list[str] = []
    parts: list[str] = []
    depth = {"phonetic": 0, "text": False}
    si, t, rph = _names("si"), _names("t"), _names("rPh")

    def start(name: str, attributes: dict) -> None:
        if name in t:
            depth["text"] = not depth["phonetic"]
        elif name in rph:
            depth["phonetic"] += 1
        elif name in si:
            parts.clear()

    def end(name: str) -> None:
        if name in t:
            depth["text"] = False
        elif name in rph:
            depth["phonetic"] -= 1
        elif name in si:
            strings.append("".join(parts))

    def text(data: str) -> None:
        if depth["text"]:
            parts.append(data)

    parser = _expat()
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = text
    parser.Parse(content, True)
    return strings


def _column_index(reference: str, cache: dict[str, int]) -> int:
    letters = reference.rstrip("0123456789")
    index = cache.get(letters)
    if index is None:
        index = 0
        for letter in letters:
            index = index * 26 + ord(letter) - 64
        index -= 1
        cache[letters] = index
    return index


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


def xlsx_rows(data: bytes) -> Iterator[tuple[int, list]]:
    """Numbered rows of the participants sheet as lists of values (None where empty).

    Values are str, int, float, bool, datetime, date, time or timedelta, as openpyxl gives.
    Raises ValidationError for a file that is not a zip; other exceptions mean a workbook
    this reader does not understand.
    """
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise NotAWorkbook from None
    workbook = _xml(_part(archive, "xl/workbook.xml"))
    properties = _find(workbook, "workbookPr")
    epoch = WINDOWS_EPOCH
    if properties and properties[0].get("date1904") in ("1", "true"):
        epoch = CALENDAR_MAC_1904
    dates, durations = _date_styles(archive)
    strings = _shared_strings(archive)
    sheet_info = archive.getinfo(_sheet_path(archive))
    if sheet_info.file_size > MAX_PART_BYTES:
        raise ValidationError(_("The workbook is too large once unpacked."))
    sheet = archive.open(sheet_info)

    rows: list[tuple[int, list]] = []
    columns: dict[str, int] = {}
    cells: dict[int, Any] = {}
    text: list[str] = []
    row_number, column, kind, style, capture, phonetic = 0, -1, "n", 0, False, 0
    row_tag, cell_tag, value_tag = _names("row"), _names("c"), _names("v")
    text_tag, phonetic_tag = _names("t"), _names("rPh")

    # Handlers run for every element: plain local state, most frequent elements first.
    def start(name: str, attributes: dict) -> None:
        nonlocal row_number, column, kind, style, capture, phonetic
        if name in cell_tag:
            reference = attributes.get("r")
            column = _column_index(reference, columns) if reference else column + 1
            kind = attributes.get("t", "n")
            style = int(attributes.get("s", 0))
            text.clear()
        elif name in value_tag or (name in text_tag and not phonetic):
            capture = True
        elif name in row_tag:
            reference = attributes.get("r")
            row_number = int(reference) if reference else row_number + 1
            column = -1
            cells.clear()
        elif name in phonetic_tag:
            phonetic += 1

    def end(name: str) -> None:
        nonlocal capture, phonetic
        if name in cell_tag:
            raw = "".join(text)
            if kind == "s":
                value = strings[int(raw)]
            elif kind == "inlineStr" or kind == "str":
                value = raw
            elif not raw:
                return
            elif kind == "n":
                value = _number(raw)
                if style in dates:
                    value = from_excel(value, epoch)
                elif style in durations:
                    value = from_excel(value, epoch, timedelta=True)
            elif kind == "b":
                value = raw == "1"
            elif kind == "d":
                value = datetime.fromisoformat(raw.rstrip("Z"))
            else:  # an error such as #N/A
                value = raw
            cells[column] = value
        elif name in value_tag or name in text_tag:
            capture = False
        elif name in row_tag:
            if cells:
                values = [None] * (max(cells) + 1)
                for index, value in cells.items():
                    values[index] = value
                rows.append((row_number, values))
        elif name in phonetic_tag:
            phonetic -= 1

    def characters(data: str) -> None:
        if capture:
            text.append(data)

    parser = _expat()
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = characters
    with sheet:
        while chunk := sheet.read(256 * 1024):
            parser.Parse(chunk, False)
            yield from rows
            rows.clear()
        parser.Parse(b"", True)
    yield from rows


def _as_text(value: Any) -> str:
    # Cells reach the validator as trimmed text already, except dates: skip the conversion.
    return value if type(value) is str else cell_text(value)


DATE_KEYS = frozenset({"passport_expiry", "arrival_at", "departure_at"})


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
        key = aliases.get(_norm(heading.rstrip("* ")))
        if key is None:
            key = aliases.get(_norm(_without_note(heading)))
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
    table = Table(rows=[], ignored_headers=ignored)
    blank_run = 0
    for number, row in iterator:
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
                # Undo the apostrophe our export puts before formula-like text.
                if value[0] == "'" and len(value) > 1 and value[1] in FORMULA_TRIGGERS:
                    value = value[1:]
            elif not (key in DATE_KEYS and isinstance(value, date)):
                value = cell_text(value)
                if not value:
                    continue
            cells[key] = value
        if not cells:
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        if len(table.rows) == MAX_ROWS:
            raise ValidationError(
                _("The file has more than %(limit)s participant rows. Split it into smaller files.")
                % {"limit": f"{MAX_ROWS:,}"}
            )
        table.rows.append((number, cells))
    return table


def cell_text(value: Any) -> str:
    """A cell as trimmed text; numbers without a spurious '.0', dates in ISO format."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_TRIGGERS:
            return text[1:]
        return text
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


# --- Validating rows ----------------------------------------------------------------------


class CellError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class RowResult:
    """One validated row: what the preview shows and what the save writes."""

    row: int
    action: str
    values: dict[str, str]  # canonical text per non-empty column (the raw text where wrong)
    errors: dict[str, str]  # column key → message
    fields: dict[str, Any] = field(default_factory=dict)  # model values; not stored
    participant_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "action": self.action,
            "values": self.values,
            "errors": self.errors,
        }


@dataclass
class _Existing:
    pk: int
    full_name: str
    status: str
    category: str
    country_id: int | None
    province_id: int | None
    region: str
    arrival_at: datetime | None
    departure_at: datetime | None


DATETIME_PATTERN = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class RowValidator:
    """Validates rows of one programme against reference data loaded once."""

    def __init__(self, programme: Programme) -> None:
        self.programme = programme
        self.tz = programme.tzinfo
        self.categories = choice_lookup(Participant.Category)
        self.statuses = choice_lookup(Participant.Status)
        self.genders = choice_lookup(Participant.Gender)
        self.genders.setdefault("f", Participant.Gender.FEMALE)
        self.genders.setdefault("m", Participant.Gender.MALE)
        self.countries = self._member_countries()
        self.nationalities = self._nationalities()
        self.provinces: dict[str, Province] = {}
        for province in Province.objects.all():
            self.provinces[_norm(province.name)] = province
            self.provinces[province.code] = province
        self.existing: dict[str, _Existing] = {}
        self.passport_owners: dict[str, tuple[int, str]] = {}
        rows = programme.participants.values_list(
            "pk",
            "email",
            "passport_number",
            "full_name",
            "status",
            "category",
            "country_id",
            "province_id",
            "region",
            "arrival_at",
            "departure_at",
        ).order_by()
        for pk, email, passport, full_name, *rest in rows:
            if email:
                self.existing[email.casefold()] = _Existing(pk, full_name, *rest)
            if passport:
                self.passport_owners[normalise_passport_number(passport)] = (pk, full_name)
        first = programme.start_date - TRAVEL_MARGIN
        last = programme.end_date + TRAVEL_MARGIN
        self.travel_first, self.travel_last = first, last
        self.travel_message = _("Choose a day between %(first)s and %(last)s.") % {
            "first": date_format(first),
            "last": date_format(last),
        }
        self.cleaners = {
            "category": self._category,
            "status": self._status,
            "gender": self._gender,
            "country": self._country,
            "nationality": self._nationality,
            "province": self._province,
            "email": self._email,
            "passport_number": self._passport,
            "passport_expiry": self._date,
            "arrival_at": self._travel,
            "departure_at": self._travel,
        }

    @staticmethod
    def _member_countries() -> dict[str, tuple[str, MemberCountry]]:
        """Every accepted spelling (normalised) → (ISO code, member country)."""
        lookup: dict[str, tuple[str, MemberCountry]] = {}
        for member in MemberCountry.objects.all():
            code = member.country.code
            names = [code, all_countries.alpha3(code), member.country.name]
            names += [INDONESIAN_COUNTRY_NAMES.get(code, "")] + COUNTRY_ALIASES.get(code, [])
            with translation.override("en"):
                names.append(str(member.country.name))
            lookup[code] = (code, member)
            for name in names:
                if name:
                    lookup.setdefault(_norm(name), (code, member))
        return lookup

    @staticmethod
    def _nationalities() -> dict[str, str]:
        lookup: dict[str, str] = {}
        with translation.override("en"):
            for country in all_countries:
                lookup[_norm(country.code)] = country.code
                lookup.setdefault(_norm(country.name), country.code)
                alpha3 = all_countries.alpha3(country.code)
                if alpha3:
                    lookup.setdefault(_norm(alpha3), country.code)
        for code, name in INDONESIAN_COUNTRY_NAMES.items():
            lookup.setdefault(_norm(name), code)
        for code, names in COUNTRY_ALIASES.items():
            for name in names:
                lookup.setdefault(_norm(name), code)
        return lookup

    # Cell cleaners: raw cell → (canonical text, model value); raise CellError when wrong.

    def _text(self, key: str, raw: Any) -> tuple[str, Any]:
        text = _as_text(raw)
        limit = MAX_LENGTHS[key]
        if len(text) > limit:
            raise CellError(
                _("At most %(limit)d characters (this cell has %(length)d).")
                % {"limit": limit, "length": len(text)}
            )
        return text, text

    def _choose(self, raw: Any, lookup: dict[str, str], choices: type) -> tuple[str, str]:
        text = _as_text(raw)
        value = lookup.get(text) or lookup.get(_norm(text))
        if value is None:
            raise CellError(
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": text, "choices": _choice_values(choices)}
            )
        return value, value

    def _category(self, key: str, raw: Any) -> tuple[str, str]:
        return self._choose(raw, self.categories, Participant.Category)

    def _status(self, key: str, raw: Any) -> tuple[str, str]:
        return self._choose(raw, self.statuses, Participant.Status)

    def _gender(self, key: str, raw: Any) -> tuple[str, str]:
        return self._choose(raw, self.genders, Participant.Gender)

    def _country(self, key: str, raw: Any) -> tuple[str, MemberCountry]:
        text = _as_text(raw)
        found = self.countries.get(text) or self.countries.get(_norm(text))
        if found is None:
            raise CellError(
                _(
                    "“%(value)s” is not a member country of the Colombo Plan. Use its "
                    "two-letter ISO code (for example VN) or its English name."
                )
                % {"value": text}
            )
        return found

    def _nationality(self, key: str, raw: Any) -> tuple[str, str]:
        text = _as_text(raw)
        code = self.nationalities.get(_norm(text))
        if code is None:
            raise CellError(
                _("“%(value)s” is not a country. Use its two-letter ISO code (for example VN).")
                % {"value": text}
            )
        return code, code

    def _province(self, key: str, raw: Any) -> tuple[str, Province]:
        text = _as_text(raw)
        province = self.provinces.get(_norm(text))
        if province is None:
            raise CellError(
                _("“%(value)s” is not an Indonesian province (for example Jawa Barat).")
                % {"value": text}
            )
        return province.name, province

    def _email(self, key: str, raw: Any) -> tuple[str, str]:
        text, _value = self._text(key, raw)
        try:
            validate_email(text)
        except ValidationError:
            raise CellError(_("“%(value)s” is not an e-mail address.") % {"value": text}) from None
        return text, text

    def _passport(self, key: str, raw: Any) -> tuple[str, str]:
        number = normalise_passport_number(_as_text(raw))
        return self._text(key, number)

    def _date(self, key: str, raw: Any) -> tuple[str, date]:
        if isinstance(raw, datetime):
            day = raw.date()
        elif isinstance(raw, date):
            day = raw
        else:
            text = _as_text(raw)
            try:
                if not DATE_PATTERN.match(text):
                    raise ValueError
                day = date.fromisoformat(text)
            except ValueError:
                raise CellError(
                    _("“%(value)s” is not a date in the format YYYY-MM-DD (for example %(ex)s).")
                    % {"value": text, "ex": "2028-05-31"}
                ) from None
        return f"{day.year:04d}-{day.month:02d}-{day.day:02d}", day

    def _travel(self, key: str, raw: Any) -> tuple[str, datetime]:
        if isinstance(raw, datetime):
            moment = raw.replace(second=0, microsecond=0, tzinfo=self.tz)
        else:
            text = _as_text(raw)
            match = DATETIME_PATTERN.match(text)
            try:
                if match is None:
                    raise ValueError
                year, month, day, hour, minute = (int(part) for part in match.groups()[:5])
                moment = datetime(year, month, day, hour, minute, tzinfo=self.tz)
            except ValueError:
                raise CellError(
                    _(
                        "“%(value)s” is not a date and time in the format YYYY-MM-DD HH:MM "
                        "(for example %(ex)s), in the programme's time zone."
                    )
                    % {"value": text, "ex": "2023-11-12 14:30"}
                ) from None
        if not self.travel_first <= moment.date() <= self.travel_last:
            raise CellError(self.travel_message)
        text = (
            f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} "
            f"{moment.hour:02d}:{moment.minute:02d}"
        )
        return text, moment

    def validate(self, rows: Iterable[tuple[int, dict[str, Any]]]) -> list[RowResult]:
        """Every row checked on its own, against the others and against the database."""
        results = []
        emails_seen: dict[str, int] = {}
        passports_seen: dict[str, int] = {}
        cleaners = self.cleaners
        text_cleaner = self._text
        for number, cells in rows:
            values: dict[str, str] = {}
            errors: dict[str, str] = {}
            fields: dict[str, Any] = {}
            for key, raw in cells.items():
                cleaner = cleaners.get(key)
                # Most cells are plain text within their length: the common case inline.
                if cleaner is None and type(raw) is str and len(raw) <= MAX_LENGTHS[key]:
                    if raw:
                        values[key] = fields[key] = raw
                    continue
                try:
                    text, value = (cleaner or text_cleaner)(key, raw)
                except CellError as error:
                    errors[key] = error.message
                    values[key] = _as_text(raw)
                    continue
                if text:
                    values[key] = text
                    fields[key] = value
            result = RowResult(number, NEW, values, errors, fields)
            self._check_row(result, emails_seen, passports_seen)
            if result.errors:
                result.action = ERROR
            results.append(result)
        return results

    def _check_row(
        self, result: RowResult, emails_seen: dict[str, int], passports_seen: dict[str, int]
    ) -> None:
        values, errors, fields = result.values, result.errors, result.fields
        for key in ("category", "full_name"):
            if key not in values:
                errors[key] = _("This column is required.")
        existing = None
        email = fields.get("email")
        if email:
            folded = email.casefold()
            if folded in emails_seen:
                errors["email"] = _("Row %(row)d already has this e-mail address.") % {
                    "row": emails_seen[folded]
                }
            else:
                emails_seen[folded] = result.row
                existing = self.existing.get(folded)
        if existing is not None:
            result.action = UPDATE
            result.participant_id = existing.pk
        passport = fields.get("passport_number")
        if passport:
            owner = self.passport_owners.get(passport)
            if passport in passports_seen:
                errors["passport_number"] = _("Row %(row)d already has this passport number.") % {
                    "row": passports_seen[passport]
                }
            elif owner is not None and (existing is None or owner[0] != existing.pk):
                errors["passport_number"] = _(
                    "Another participant of this programme (%(name)s) has this passport number."
                ) % {"name": owner[1]}
            passports_seen.setdefault(passport, result.row)
        expiry = fields.get("passport_expiry")
        if expiry and expiry < self.programme.end_date:
            errors["passport_expiry"] = _(
                "The passport expires before the programme ends (%(end)s)."
            ) % {"end": date_format(self.programme.end_date)}
        status = fields.get("status")
        if (
            existing is not None
            and status
            and status != existing.status
            and status not in ALLOWED_STATUS_CHANGES.get(existing.status, set())
        ):
            errors["status"] = _("A participant cannot go from “%(from)s” to “%(to)s”.") % {
                "from": Participant.Status(existing.status).label,
                "to": Participant.Status(status).label,
            }
        self._check_origin(result, existing)
        arrival = fields.get("arrival_at", existing.arrival_at if existing else None)
        departure = fields.get("departure_at", existing.departure_at if existing else None)
        if (
            arrival
            and departure
            and departure <= arrival
            and "arrival_at" not in errors
            and "departure_at" not in errors
        ):
            errors["departure_at"] = _("The departure must come after the arrival.")

    def _check_origin(self, result: RowResult, existing: _Existing | None) -> None:
        fields, errors = result.fields, result.errors
        category = fields.get("category")
        member = fields.get("country")
        # Former members stay acceptable for the people already registered from them.
        if (
            member is not None
            and not member.is_active
            and (existing is None or existing.country_id != member.pk)
        ):
            errors["country"] = _(
                "%(country)s is no longer an active member country of the Colombo Plan."
            ) % {"country": member.country.name}
        if "country" in errors or "province" in errors or "region" in errors:
            return
        if category == Participant.Category.INTERNATIONAL:
            has_country = member is not None or (existing is not None and existing.country_id)
            if not has_country:
                errors["country"] = _("An international delegate needs a country.")
        elif category == Participant.Category.DOMESTIC:
            has_region = bool(fields.get("region") or fields.get("province"))
            if not has_region and existing is not None:
                has_region = bool(existing.region or existing.province_id)
            if not has_region:
                errors["region"] = _("A domestic representative needs a province, regency or city.")


def normalise_passport_number(value: str) -> str:
    """Passport numbers compare without spaces and case, as the participant form does."""
    return re.sub(r"\s+", "", value).upper()


def validate_rows(
    *, programme: Programme, rows: Iterable[tuple[int, dict[str, Any]]]
) -> list[RowResult]:
    """Validate rows (row number, {column key: cell}) for `programme`. No side effects."""
    return RowValidator(programme).validate(rows)


# --- Staging and applying -----------------------------------------------------------------


def stage_import(*, programme: Programme, table: Table, file_name: str, by) -> ImportBatch:
    """Validate every row of an uploaded table and store the result for the preview.

    Side effects: creates an ImportBatch holding each row's action, values and errors. No
    participant is written.
    """
    results = validate_rows(programme=programme, rows=table.rows)
    return ImportBatch.objects.create(
        programme=programme,
        file_name=file_name[:255],
        rows=[result.as_json() for result in results],
        created_by=by if by is not None and by.is_authenticated else None,
    )


@dataclass(frozen=True)
class BatchSummary:
    new: int
    update: int
    error: int

    @property
    def total(self) -> int:
        return self.new + self.update + self.error


def summarise(batch: ImportBatch) -> BatchSummary:
    counts = {NEW: 0, UPDATE: 0, ERROR: 0}
    for row in batch.rows:
        counts[row["action"]] += 1
    return BatchSummary(new=counts[NEW], update=counts[UPDATE], error=counts[ERROR])


class ImportRefused(Exception):
    """The batch cannot be saved; `message` tells the organiser why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ImportOutcome:
    created: int
    updated: int


def apply_import(*, batch: ImportBatch, by) -> ImportOutcome:
    """Save a validated batch: create the new participants and update the existing ones.

    The rows are validated again against the current database, since someone may have
    registered a participant since the upload. Everything is saved or nothing is.

    Side effects: creates Participants with an initial StatusChange each (by `by`), updates
    the participants matched by e-mail (recording a StatusChange where the status moves),
    and sets the batch's `applied_at`. When the rows no longer validate, stores the new
    results on the batch instead and raises ImportRefused; raises ImportRefused too for a
    batch already applied or uploaded with errors.
    """
    by = by if by is not None and by.is_authenticated else None
    refused = None
    with transaction.atomic():
        # The lock makes a second, concurrent confirmation wait and then see `applied_at`.
        # The rows themselves come from `batch`: whatever their age, they are checked again.
        applied_at = (
            ImportBatch.objects.select_for_update()
            .filter(pk=batch.pk)
            .values_list("applied_at", flat=True)
            .get()
        )
        if applied_at is not None:
            raise ImportRefused(_("This list has already been saved."))
        if any(row["action"] == ERROR for row in batch.rows):
            raise ImportRefused(_("Nothing was saved: fix the file and upload it again."))
        programme = batch.programme
        results = validate_rows(
            programme=programme, rows=((row["row"], row["values"]) for row in batch.rows)
        )
        if any(result.action == ERROR for result in results):
            batch.rows = [result.as_json() for result in results]
            batch.save(update_fields=["rows"])
            refused = _(
                "Nothing was saved: the participant list changed since the upload and some "
                "rows are no longer valid. Fix the file and upload it again."
            )
        else:
            try:
                with transaction.atomic():
                    outcome = _write(programme=programme, results=results, by=by)
            except IntegrityError:
                # A participant registered between our check and the write.
                raise ImportRefused(
                    _("Nothing was saved: the participant list changed meanwhile. Try again.")
                ) from None
            batch.applied_at = timezone.now()
            batch.save(update_fields=["applied_at"])
    if refused:
        raise ImportRefused(refused)
    return outcome


def _write(*, programme: Programme, results: list[RowResult], by) -> ImportOutcome:
    now = timezone.now()
    by_id = by.pk if by is not None else None
    defaults = row_defaults(Participant, now=now)
    defaults["programme_id"] = programme.pk
    new_rows = []
    for result in results:
        if result.action != NEW:
            continue
        row = defaults.copy()
        for key, value in result.fields.items():
            if key in ("country", "province"):
                row[f"{key}_id"] = value.pk
            else:
                row[key] = value
        new_rows.append(row)
    new_ids = insert_rows(Participant, new_rows)
    change_defaults = row_defaults(StatusChange, now=now)
    change_defaults["changed_by_id"] = by_id
    changes = [
        {**change_defaults, "participant_id": pk, "to_status": row["status"]}
        for pk, row in zip(new_ids, new_rows, strict=True)
    ]
    updates = [result for result in results if result.action == UPDATE]
    if updates:
        existing = (
            programme.participants.select_for_update()
            .order_by()
            .in_bulk([result.participant_id for result in updates])
        )
        touched: set[str] = {"updated_at"}
        objects = []
        for result in updates:
            participant = existing[result.participant_id]
            status = result.fields.get("status")
            if status and status != participant.status:
                changes.append(
                    {
                        **change_defaults,
                        "participant_id": participant.pk,
                        "from_status": participant.status,
                        "to_status": status,
                        "note": _("Imported from a file."),
                    }
                )
            # The e-mail address is the key the row was matched on: its spelling stays.
            changed = {key: value for key, value in result.fields.items() if key != "email"}
            for key, value in changed.items():
                setattr(participant, key, value)
            touched.update(changed)
            participant.updated_at = now
            objects.append(participant)
        # Fields a row leaves empty keep the values just read (and locked) above.
        Participant.objects.bulk_update(objects, sorted(touched), batch_size=500)
    insert_rows(StatusChange, changes)
    return ImportOutcome(created=len(new_rows), updated=len(updates))


def _insert_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _callable_default(f: models.Field) -> Callable[[], Any] | None:
    return f.default if f.has_default() and callable(f.default) else None


def row_defaults(model: type[models.Model], *, now: datetime) -> dict[str, Any]:
    """Each column's value for a new row that does not set it (auto_now fields: `now`).

    Columns with a callable default (a unique code, say) are left out: `insert_rows` calls
    the default for each row.
    """
    defaults = {}
    for f in _insert_fields(model):
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        elif _callable_default(f) is None:
            defaults[f.attname] = f.get_default()
    return defaults


def insert_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows (columns by attribute name, see `row_defaults`); their new keys.

    `bulk_create` builds a model instance per row and prepares every value through the
    field's whole conversion chain: for thousands of rows of thirty fields that is most of
    an import's time. Here the conversion is chosen once per field: values pass unchanged
    except dates and datetimes (adapted by the database backend) and fields of other types
    (prepared as the ORM would). Both PostgreSQL and SQLite (3.35+) return the keys in the
    order of the VALUES, which `bulk_create` relies on as well.

    Side effects: inserts the rows (no signals are sent, as with `bulk_create`).
    """
    if not rows:
        return []
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    fields = _insert_fields(model)
    if not connection.features.can_return_rows_from_bulk_insert:
        objects = [model(**row) for row in rows]
        model.objects.bulk_create(objects, batch_size=500)
        return [obj.pk for obj in objects]
    plain = {"CharField", "TextField", "EmailField", "BooleanField", "ForeignKey"}
    adapters: list[Callable[[Any], Any] | None] = []
    for f in fields:
        kind = f.get_internal_type()
        if kind == "DateTimeField":
            adapters.append(connection.ops.adapt_datetimefield_value)
        elif kind == "DateField":
            adapters.append(connection.ops.adapt_datefield_value)
        elif kind in plain:
            adapters.append(None)
        else:
            adapters.append(partial(_prepare, f, connection))
    columns = [
        (f.attname, adapt, _callable_default(f)) for f, adapt in zip(fields, adapters, strict=True)
    ]
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    if connection.vendor == "postgresql":
        return _insert_unnest(connection, meta, fields, columns, names, rows)
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    limit = connection.features.max_query_params or 30_000
    per_statement = max(1, min(1000, limit // len(fields)))
    keys: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            params: list[Any] = []
            for row in chunk:
                for attname, adapt, make_default in columns:
                    if make_default is None:
                        value = row[attname]
                    else:
                        value = row[attname] if attname in row else make_default()
                    params.append(value if adapt is None or value is None else adapt(value))
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({names}) "  # noqa: S608 - names only
                f"VALUES {', '.join([placeholder] * len(chunk))} "
                f"RETURNING {quote(meta.pk.column)}",
                params,
            )
            keys.extend(pk for (pk,) in cursor.fetchall())
    return keys


def _insert_unnest(
    connection: BaseDatabaseWrapper,
    meta: Options,
    fields: list[models.Field],
    columns: list[tuple[str, Callable[[Any], Any] | None, Callable[[], Any] | None]],
    names: str,
    rows: list[dict[str, Any]],
) -> list[int]:
    """PostgreSQL: one array per column, so the statement has a handful of parameters.

    A VALUES list with a placeholder per value costs the driver a regex pass over tens of
    thousands of placeholders; arrays are adapted in C.
    """
    # psycopg adapts dates and datetimes itself (the backend's adapters return them as is).
    columns = [
        (attname, None if f.get_internal_type() in ("DateField", "DateTimeField") else adapt, make)
        for f, (attname, adapt, make) in zip(fields, columns, strict=True)
    ]
    arrays: list[list[Any]] = [[] for _column in columns]
    for row in rows:
        for array, (attname, adapt, make_default) in zip(arrays, columns, strict=True):
            if make_default is None:
                value = row[attname]
            else:
                value = row[attname] if attname in row else make_default()
            array.append(value if adapt is None or value is None else adapt(value))
    # Without the length: a cast to varchar(50)[] would truncate silently (as Django does).
    casts = ", ".join(f"%s::{f.db_type(connection).split('(')[0]}[]" for f in fields)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({names}) "  # noqa: S608 - names only
            f"SELECT * FROM UNNEST({casts}) RETURNING {quote(meta.pk.column)}",
            arrays,
        )
        return [pk for (pk,) in cursor.fetchall()]


def _prepare(field: models.Field, connection: BaseDatabaseWrapper, value: Any) -> Any:
    return field.get_db_prep_save(value, connection)


# --- Writing files ------------------------------------------------------------------------


def neutralise(text: str) -> str:
    """Text a spreadsheet will not run as a formula (OWASP CSV injection)."""
    if text and text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def export_values(participant: Participant, programme: Programme) -> list[str]:
    """One participant as text cells in the order of EXPORT_COLUMNS."""
    row = []
    for column in EXPORT_COLUMNS:
        key = column.key
        if key == "country":
            text = participant.country.country.code if participant.country_id else ""
        elif key == "province":
            text = participant.province.name if participant.province_id else ""
        elif key == "nationality":
            text = participant.nationality.code or ""
        elif key == "passport_expiry":
            expiry = participant.passport_expiry
            text = expiry.strftime(DATE_FORMAT) if expiry else ""
        elif column.kind == "datetime":
            moment = getattr(participant, key)
            text = programme.to_local(moment).strftime(DATETIME_FORMAT) if moment else ""
        else:
            text = getattr(participant, key) or ""
        row.append(neutralise(text))
    return row


def export_csv(*, programme: Programme, participants: QuerySet[Participant]) -> bytes:
    """The participants as CSV, UTF-8 with a BOM so that Excel reads the accents right."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([str(column.label) for column in EXPORT_COLUMNS])
    writer.writerows(iter_export_rows(programme=programme, participants=participants))
    return buffer.getvalue().encode("utf-8")


def export_xlsx(*, programme: Programme, participants: QuerySet[Participant]) -> bytes:
    """The participants as an XLSX workbook, every cell written as text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Participants")))
    _format_header(sheet, EXPORT_COLUMNS)
    bold = Font(bold=True)
    header = []
    for column in EXPORT_COLUMNS:
        cell = WriteOnlyCell(sheet, value=str(column.label))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in iter_export_rows(programme=programme, participants=participants):
        # Neutralised text never starts with "=", so openpyxl stores it as a string.
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _format_header(sheet, columns: Iterable[Column]) -> None:
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        width = min(max(len(str(column.label)) + 2, 12), 40)
        sheet.column_dimensions[get_column_letter(index)].width = width


def accepted_values(column: Column, programme: Programme) -> str:
    """What a column accepts, for the template's instructions and the upload page."""
    kind = column.kind
    if kind == "category":
        return _choice_help(Participant.Category)
    if kind == "status":
        return _("%(choices)s. Empty means invited.") % {
            "choices": _choice_help(Participant.Status)
        }
    if kind == "gender":
        return _choice_help(Participant.Gender)
    if kind == "country":
        return _(
            "Two-letter ISO code or English name of a member country of the Colombo Plan "
            "(list below). Required for international delegates."
        )
    if kind == "nationality":
        return _("Two-letter ISO code or English name of any country.")
    if kind == "province":
        return _(
            "Name of an Indonesian province (list below). Domestic representatives need a "
            "province or a region."
        )
    if kind == "email":
        return _(
            "An e-mail address, once per file. A participant already registered with this "
            "address is updated: filled cells replace the old values, empty cells keep them."
        )
    if kind == "passport":
        return _("Each passport once per programme.")
    if kind == "date":
        return _("YYYY-MM-DD, not before the programme's last day (%(end)s).") % {
            "end": programme.end_date.strftime(DATE_FORMAT)
        }
    if kind == "datetime":
        return _(
            "YYYY-MM-DD HH:MM in the programme's time zone (%(zone)s), between %(first)s and "
            "%(last)s."
        ) % {
            "zone": programme.time_zone,
            "first": (programme.start_date - TRAVEL_MARGIN).strftime(DATE_FORMAT),
            "last": (programme.end_date + TRAVEL_MARGIN).strftime(DATE_FORMAT),
        }
    return ngettext(
        "Text, at most %(count)d character.",
        "Text, at most %(count)d characters.",
        MAX_LENGTHS[column.key],
    ) % {"count": MAX_LENGTHS[column.key]}


def _choice_help(choices: type) -> str:
    return "; ".join(f"{value} ({label})" for value, label in choices.choices)


def template_csv() -> bytes:
    """The import template as CSV: the header row only, UTF-8 with a BOM for Excel."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer).writerow([str(column.label) for column in TEMPLATE_COLUMNS])
    return buffer.getvalue().encode("utf-8")


def template_xlsx(*, programme: Programme) -> bytes:
    """The import template as XLSX: an empty "Participants" sheet and an "Instructions" one."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Participants"
    sheet.append([str(column.label) for column in TEMPLATE_COLUMNS])
    for cell in sheet[1]:
        cell.font = bold
    _format_header(sheet, TEMPLATE_COLUMNS)

    notes = workbook.create_sheet("Instructions")
    notes.column_dimensions["A"].width = 38
    notes.column_dimensions["B"].width = 12
    notes.column_dimensions["C"].width = 90
    notes.append(
        [str(_("One row per participant under the header row of the sheet “Participants”."))]
    )
    notes.append([])
    notes.append([str(_("Column")), str(_("Required")), str(_("Accepted values"))])
    for cell in notes[notes.max_row]:
        cell.font = bold
    wrap = Alignment(wrap_text=True, vertical="top")
    for column in TEMPLATE_COLUMNS:
        notes.append(
            [
                str(column.label),
                str(_("yes")) if column.required else str(_("no")),
                accepted_values(column, programme),
            ]
        )
        notes.cell(row=notes.max_row, column=3).alignment = wrap
    notes.append([])
    notes.append([str(_("Member countries")), str(_("Code")), str(_("Indonesian name"))])
    for cell in notes[notes.max_row]:
        cell.font = bold
    for member in MemberCountry.objects.filter(is_active=True):
        code = member.country.code
        notes.append([str(member.country.name), code, INDONESIAN_COUNTRY_NAMES.get(code, "")])
    notes.append([])
    notes.append([str(_("Indonesian provinces")), str(_("Code"))])
    for cell in notes[notes.max_row]:
        cell.font = bold
    for province in Province.objects.all():
        notes.append([province.name, province.code])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def iter_export_rows(
    *, programme: Programme, participants: QuerySet[Participant]
) -> Iterator[list[str]]:
    for participant in participants.iterator(chunk_size=2000):
        yield export_values(participant, programme)
