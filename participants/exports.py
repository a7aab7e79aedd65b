"""The participant list as CSV or XLSX, and the empty import template with its instructions.

The files are written by `spreadsheets.csv_bytes` and `xlsx_bytes`, which neutralise every
cell: a name such as "=HYPERLINK(…)" is shown, never run, by the spreadsheet that opens it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from programs.models import MemberCountry, Programme
from programs.regions import regions_of

from .columns import (
    EXPORT_COLUMNS,
    INDONESIAN_COUNTRY_NAMES,
    TEMPLATE_COLUMNS,
    Column,
    accepted_values,
)
from .import_tables import MAX_ROWS
from .models import Participant
from .spreadsheets import DATE_FORMAT, DATETIME_FORMAT, csv_bytes, format_header, xlsx_bytes


def export_values(participant: Participant, programme: Programme) -> list[str]:
    """One participant as text cells in the order of EXPORT_COLUMNS (not yet neutralised)."""
    row = []
    for column in EXPORT_COLUMNS:
        key = column.key
        if key == "country":
            text = participant.country.country.code if participant.country_id else ""
        elif key == "province":
            text = participant.region_name
        elif key == "nationality":
            text = participant.nationality.code or ""
        elif column.kind in ("date", "birth_date"):
            day = getattr(participant, key)
            text = day.strftime(DATE_FORMAT) if day else ""
        elif column.kind == "datetime":
            moment = getattr(participant, key)
            text = programme.to_local(moment).strftime(DATETIME_FORMAT) if moment else ""
        else:
            text = getattr(participant, key) or ""
        row.append(text)
    return row


def export_csv(
    *,
    programme: Programme,
    participants: QuerySet[Participant],
    written: list[int] | None = None,
) -> bytes:
    """The participants as CSV; the id of each one written is appended to `written`."""
    return csv_bytes(_header(EXPORT_COLUMNS), iter_export_rows(programme, participants, written))


def export_xlsx(
    *,
    programme: Programme,
    participants: QuerySet[Participant],
    written: list[int] | None = None,
) -> bytes:
    """The participants as an XLSX workbook, every cell written as text; the id of each one
    written is appended to `written`."""
    rows = iter_export_rows(programme, participants, written)
    return xlsx_bytes(_header(EXPORT_COLUMNS), rows, title=str(_("Participants")))


def _header(columns: Iterable[Column]) -> list[str]:
    return [str(column.label) for column in columns]


def template_csv() -> bytes:
    """The import template as CSV: the header row only."""
    return csv_bytes(_header(TEMPLATE_COLUMNS), [])


def template_xlsx(*, programme: Programme) -> bytes:
    """The import template as XLSX: an empty "Participants" sheet, with drop-down lists on its
    choice columns, and an "Instructions" one."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Participants"
    sheet.append([str(column.label) for column in TEMPLATE_COLUMNS])
    for cell in sheet[1]:
        cell.font = bold
    format_header(sheet, _header(TEMPLATE_COLUMNS))

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
    first_country = notes.max_row + 1
    for member in MemberCountry.objects.filter(is_active=True):
        code = member.country.code
        notes.append([str(member.country.name), code, INDONESIAN_COUNTRY_NAMES.get(code, "")])
    countries = f"Instructions!$B${first_country}:$B${max(notes.max_row, first_country)}"
    notes.append([])
    notes.append(
        [_("Regions of %(country)s") % {"country": programme.host_country_name}, str(_("Code"))]
    )
    for cell in notes[notes.max_row]:
        cell.font = bold
    first_province = notes.max_row + 1
    for region in regions_of(programme.host_country):
        notes.append([region.name, region.code])
    provinces = f"Instructions!$A${first_province}:$A${max(notes.max_row, first_province)}"
    _add_drop_downs(sheet, countries=countries, provinces=provinces)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _add_drop_downs(sheet, *, countries: str, provinces: str) -> None:
    """Drop-down lists on the template's choice columns, down to the import's last row.

    A value outside the list only draws a warning: the import also accepts the labels, the
    English and Indonesian names the instructions list.
    """
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    sources = {
        "category": _listed(Participant.Category),
        "status": _listed(Participant.Status),
        "gender": _listed(Participant.Gender),
        "country": countries,
        "province": provinces,
    }
    for index, column in enumerate(TEMPLATE_COLUMNS, start=1):
        if column.kind not in sources:
            continue
        validation = DataValidation(
            type="list",
            formula1=sources[column.kind],
            allow_blank=True,
            errorStyle="warning",
            showErrorMessage=True,
            error=str(_("This is not one of the listed values.")),
        )
        letter = get_column_letter(index)
        validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        sheet.add_data_validation(validation)


def _listed(choices: type) -> str:
    """The values of `choices` as the literal list of a drop-down (at most 255 characters)."""
    return '"' + ",".join(choices.values) + '"'


def iter_export_rows(
    programme: Programme, participants: QuerySet[Participant], written: list[int] | None = None
) -> Iterator[list[str]]:
    # The ids are collected while writing, so that the access log costs no second query.
    for participant in participants.iterator(chunk_size=2000):
        if written is not None:
            written.append(participant.pk)
        yield export_values(participant, programme)
