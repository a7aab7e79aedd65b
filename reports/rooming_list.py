"""The rooming list of one hotel, to send to the hotel: who sleeps in which room, which
nights, and what the hotel should know (dietary and accessibility needs). A PDF and the same
rows as an XLSX beside it. The job kind is `ROOMING_LIST_JOB` below.

Names are printed as in passports: the Latin letters the passport carries, the native script
under them.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from participants.lodging import programme_assignments, room_key
from participants.lodging_models import Hotel, RoomAssignment
from participants.spreadsheets import DATE_FORMAT, xlsx_bytes
from programs.models import Programme

from .jobkind import JobKind, Rendered, SubjectGone
from .models import GenerationJob
from .pdf import render_pdf

ROOMING_LIST_TEMPLATE = "reports/pdf/rooming_list.html"


@dataclass
class RoomingRow:
    assignment: RoomAssignment
    sharing: int  # how many people the room holds (1 when not shared)

    @property
    def participant(self):
        return self.assignment.participant

    @property
    def passport_name(self) -> str:
        person = self.participant
        return person.full_name_latin or person.full_name

    @property
    def native_name(self) -> str:
        person = self.participant
        return person.full_name if person.full_name_latin not in ("", person.full_name) else ""

    @property
    def nationality(self) -> str:
        person = self.participant
        if person.nationality:
            return str(person.nationality.name)
        return str(person.country) if person.country_id else ""

    @property
    def check_in(self) -> date:
        return self.assignment.first_night

    @property
    def check_out(self) -> date:
        return self.assignment.last_night + timedelta(days=1)

    @property
    def needs(self) -> list[str]:
        person = self.participant
        needs = []
        if person.accessibility_needs:
            needs.append(_("Access: %(needs)s") % {"needs": person.accessibility_needs})
        if person.dietary_needs:
            needs.append(_("Diet: %(needs)s") % {"needs": person.dietary_needs})
        return needs


def hotel_of(programme: Programme, hotel_id: int | None) -> Hotel:
    hotel = Hotel.objects.filter(pk=hotel_id, programme=programme).first()
    if hotel is None:
        raise SubjectGone(_("The hotel no longer exists."))
    hotel.programme = programme
    return hotel


def rooming_rows(hotel: Hotel) -> list[RoomingRow]:
    """The hotel's guests room by room: by room type, room label, then name."""
    assignments = list(
        programme_assignments(hotel.programme)
        .filter(room_type__hotel=hotel)
        .select_related("participant__country")
    )
    sizes: dict[tuple, int] = {}
    for assignment in assignments:
        sizes[room_key(assignment)] = sizes.get(room_key(assignment), 0) + 1
    assignments.sort(
        key=lambda a: (
            a.room_type.name.casefold(),
            a.room_type_id,
            a.room_label == "",
            a.room_label,
            (a.participant.full_name_latin or a.participant.full_name).casefold(),
        )
    )
    return [RoomingRow(a, sizes[room_key(a)]) for a in assignments]


def rooming_list_context(programme: Programme, *, hotel_id: int | None) -> dict:
    hotel = hotel_of(programme, hotel_id)
    rows = rooming_rows(hotel)
    rooms = {room_key(row.assignment) for row in rows}
    return {
        "programme": programme,
        "hotel": hotel,
        "rows": rows,
        "guest_count": len(rows),
        "room_count": len(rooms),
        "needs_count": sum(1 for row in rows if row.needs),
        "generated_at": timezone.now(),
    }


def rooming_table(hotel: Hotel) -> tuple[list[str], list[list[object]]]:
    """The header and rows of the XLSX, in the active language."""
    header = [
        _("Room type"),
        _("Room"),
        _("People in the room"),
        _("Name (as in passport)"),
        _("Name in native script"),
        _("Gender"),
        _("Nationality"),
        _("Check-in"),
        _("Check-out"),
        _("Nights"),
        _("Special needs"),
        _("Note"),
    ]
    rows = [
        [
            row.assignment.room_type.name,
            row.assignment.room_label,
            row.sharing,
            row.passport_name,
            row.native_name,
            row.participant.get_gender_display(),
            row.nationality,
            row.check_in.strftime(DATE_FORMAT),
            row.check_out.strftime(DATE_FORMAT),
            row.assignment.night_count,
            "; ".join(row.needs),
            row.assignment.note,
        ]
        for row in rooming_rows(hotel)
    ]
    return [str(label) for label in header], rows


def render_rooming_list(job: GenerationJob, item_id: int) -> Rendered:
    context = rooming_list_context(job.programme, hotel_id=job.hotel_id)
    return Rendered(job.download_name("pdf"), render_pdf(ROOMING_LIST_TEMPLATE, context))


def rooming_list_xlsx(job: GenerationJob) -> bytes:
    header, rows = rooming_table(hotel_of(job.programme, job.hotel_id))
    return xlsx_bytes(header, rows, title=str(_("Rooming list")))


ROOMING_LIST_JOB = JobKind(render=render_rooming_list, archive=False, spreadsheet=rooming_list_xlsx)
