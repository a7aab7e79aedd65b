"""Import of participants' travel legs from an XLSX file, one leg a row.

The workbook is read by the participant import's safe reader (`spreadsheets.xlsx_rows`:
archive checks before openpyxl). Every row is checked by the travel form itself
(`travel_forms.TravelLegForm`) and each participant's legs by the same host-end rule
(`travel_forms.early_departure`), so the import accepts exactly what the form accepts.
Participants are matched by e-mail within the programme. Nothing is saved unless every row
is right; then the legs of each participant named in the file replace their earlier ones,
in one transaction, so importing the same file again changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from programs.models import Programme
from programs.uploads import IMPORT, check_upload_size

from .import_tables import filled_rows
from .models import Participant
from .spreadsheets import DATETIME_FORMAT, cell_text, xlsx_bytes, xlsx_rows
from .stays import airport, local_label, sync_travel_summary
from .travel_forms import HOME_TOO_EARLY_DETAILS, MAX_LEGS, TravelLegForm, early_departure
from .travel_models import TravelLeg

# (key, heading): the columns of the file, in the template's order.
COLUMNS = (
    ("email", "E-mail"),
    ("direction", "Direction"),
    ("carrier", "Carrier"),
    ("number", "Number"),
    ("from", "From"),
    ("departs", "Departs"),
    ("to", "To"),
    ("arrives", "Arrives"),
    ("note", "Note"),
)
HEADINGS = dict(COLUMNS)
REQUIRED = ("email", "direction", "from", "to")
EXAMPLE_ROW = (
    "delegate@example.org",
    "arrival",
    "GA",
    "821",
    "KUL",
    "2023-11-12 07:00",
    "CGK",
    "2023-11-12 08:05",
    "",
)
DIRECTIONS = {
    "arrival": TravelLeg.Direction.ARRIVAL,
    "kedatangan": TravelLeg.Direction.ARRIVAL,
    "departure": TravelLeg.Direction.DEPARTURE,
    "keberangkatan": TravelLeg.Direction.DEPARTURE,
}
# The form's fields, by the column that fills them.
FIELD_COLUMNS = {
    "direction": "direction",
    "mode": "direction",
    "carrier": "carrier",
    "number": "number",
    "from_code": "from",
    "from_place": "from",
    "departs_at": "departs",
    "to_code": "to",
    "to_place": "to",
    "arrives_at": "arrives",
    "note": "note",
}
SAVED_FIELDS = list(TravelLegForm.Meta.fields)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # the heading, as in the file
    message: str


class TravelImportRefused(Exception):
    """The file was read but some rows are wrong: nothing was saved."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


@dataclass(frozen=True)
class TravelImportOutcome:
    participants: int
    legs: int


def template_xlsx() -> bytes:
    """The empty file to fill in: the headings and one example row."""
    return xlsx_bytes([heading for _key, heading in COLUMNS], [EXAMPLE_ROW], title="Travel")


def read_rows(upload: UploadedFile) -> list[tuple[int, dict[str, Any]]]:
    """The non-empty rows of the uploaded workbook, as (row number, {column key: cell}).

    Raises ValidationError for a file too large, not an .xlsx workbook, without the required
    headings or with too many rows.
    """
    check_upload_size(upload, kind=IMPORT)
    if not (upload.name or "").lower().endswith(".xlsx"):
        raise ValidationError(_("Upload an Excel workbook (.xlsx), made from the template."))
    rows = xlsx_rows(upload.read())
    first = next(rows, None)
    if first is None:
        raise ValidationError(_("The file is empty."))
    header_number, header = first
    by_heading = {heading.casefold(): key for key, heading in COLUMNS} | {"email": "email"}
    mapping = {}
    for index, cell in enumerate(header):
        key = by_heading.get(cell_text(cell).rstrip("* ").casefold())
        if key and key not in mapping.values():
            mapping[index] = key
    missing = [HEADINGS[key] for key in REQUIRED if key not in mapping.values()]
    if missing:
        raise ValidationError(
            _("The header row (row %(row)d) has no column “%(columns)s”. Start from the template.")
            % {"row": header_number, "columns": "”, “".join(missing)}
        )
    cells = (
        (number, {key: row[index] for index, key in mapping.items() if index < len(row)})
        for number, row in rows
    )
    return filled_rows(
        ((number, {k: v for k, v in row.items() if cell_text(v)}) for number, row in cells),
        too_many=_("The file has more than %(limit)s rows. Split it into smaller files."),
    )


def _end(text: str) -> dict[str, str]:
    """A place as typed: three letters are an airport code, anything else a place name."""
    if airport(text) or (len(text) == 3 and text.isascii() and text.isalpha()):
        return {"code": text, "place": ""}
    return {"code": "", "place": text}


def _moment(value: Any) -> str:
    # A real date-time cell becomes the text the form reads; text is left to the form.
    if isinstance(value, datetime):
        return value.strftime(DATETIME_FORMAT)
    return cell_text(value)


class _Checker:
    def __init__(self, programme: Programme, rows: list[tuple[int, dict[str, Any]]]) -> None:
        self.programme = programme
        self.errors: list[RowError] = []
        emails = {cell_text(cells.get("email")).casefold() for _number, cells in rows}
        self.participants = {
            participant.email_key: participant
            for participant in programme.participants.annotate(email_key=Lower("email")).filter(
                email_key__in=emails - {""}, erased_at__isnull=True
            )
        }

    def error(self, row: int, key: str, message: str) -> None:
        self.errors.append(RowError(row, HEADINGS[key], str(message)))

    def leg(self, number: int, cells: dict[str, Any]) -> tuple[Participant, TravelLeg] | None:
        """The row's participant and unsaved leg, or None after recording its errors."""
        email = cell_text(cells.get("email"))
        participant = self.participants.get(email.casefold())
        if participant is None:
            message = _("No participant of this programme has the e-mail address “%(email)s”.")
            self.error(
                number,
                "email",
                message % {"email": email}
                if email
                else _("Give the participant's e-mail address."),
            )
        direction_text = cell_text(cells.get("direction"))
        direction = DIRECTIONS.get(direction_text.casefold())
        if direction is None:
            self.error(
                number,
                "direction",
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": direction_text, "choices": ", ".join(DIRECTIONS)},
            )
        start, end = _end(cell_text(cells.get("from"))), _end(cell_text(cells.get("to")))
        form = TravelLegForm(
            data={
                "direction": direction or "",
                "mode": TravelLeg.Mode.FLIGHT,
                "carrier": cell_text(cells.get("carrier")),
                "number": cell_text(cells.get("number")),
                "from_code": start["code"],
                "from_place": start["place"],
                "departs_at": _moment(cells.get("departs")),
                "to_code": end["code"],
                "to_place": end["place"],
                "arrives_at": _moment(cells.get("arrives")),
                "note": cell_text(cells.get("note")),
            },
            programme=self.programme,
        )
        if not form.is_valid():
            for name, messages in form.errors.items():
                if name == "direction" and direction is None:
                    continue  # already said, in the import's words
                key = FIELD_COLUMNS.get(name, "email")
                for message in messages:
                    self.error(number, key, message)
            return None
        if participant is None or direction is None:
            return None
        leg = TravelLeg(
            participant=participant,
            **{name: form.cleaned_data[name] for name in SAVED_FIELDS},
        )
        return participant, leg


def check_rows(
    programme: Programme, rows: list[tuple[int, dict[str, Any]]]
) -> tuple[dict[int, list[TravelLeg]], dict[int, Participant], list[RowError]]:
    """The legs of each participant (by pk), unsaved, and the errors of every row."""
    checker = _Checker(programme, rows)
    legs: dict[int, list[tuple[int, TravelLeg]]] = defaultdict(list)
    participants: dict[int, Participant] = {}
    for number, cells in rows:
        found = checker.leg(number, cells)
        if found is None:
            continue
        participant, leg = found
        participants[participant.pk] = participant
        if len(legs[participant.pk]) == MAX_LEGS:
            checker.error(
                number,
                "email",
                _("At most %(limit)d legs a participant.") % {"limit": MAX_LEGS},
            )
            continue
        legs[participant.pk].append((number, leg))
    for numbered in legs.values():
        late = early_departure(
            (number, leg.direction, leg.departs_at, leg.arrives_at) for number, leg in numbered
        )
        if late is not None:
            number, leaves, landed = late
            checker.error(
                number,
                "departs",
                HOME_TOO_EARLY_DETAILS
                % {
                    "leaves": local_label(leaves, programme.tzinfo),
                    "landed": local_label(landed, programme.tzinfo),
                },
            )
    errors = sorted(checker.errors, key=lambda error: error.row)
    return (
        {pk: [leg for _number, leg in numbered] for pk, numbered in legs.items()},
        participants,
        errors,
    )


def import_travel(*, programme: Programme, upload: UploadedFile) -> TravelImportOutcome:
    """Read, check and save the file's legs; ValidationError or TravelImportRefused when not.

    All or nothing: the legs of the participants named in the file replace theirs, and each
    participant's arrival and departure follow (`sync_travel_summary`).
    """
    rows = read_rows(upload)
    if not rows:
        raise ValidationError(_("The file has no rows under its header."))
    legs, participants, errors = check_rows(programme, rows)
    if errors:
        raise TravelImportRefused(errors)
    with transaction.atomic():
        before: dict[int, set[str]] = defaultdict(set)
        for participant_id, direction in TravelLeg.objects.filter(
            participant_id__in=participants
        ).values_list("participant_id", "direction"):
            before[participant_id].add(direction)
        TravelLeg.objects.filter(participant_id__in=participants).delete()
        TravelLeg.objects.bulk_create([leg for of_one in legs.values() for leg in of_one])
        for pk, participant in participants.items():
            sync_travel_summary(participant, emptied=before[pk])
    return TravelImportOutcome(
        participants=len(participants), legs=sum(len(of_one) for of_one in legs.values())
    )
