"""A delegate's own agenda as a printable A4 PDF.

Rendered while the delegate waits: it is a few pages at most, built from the same entries as
the agenda page (`visits.feeds.personal_agenda`), so it shows exactly what the page shows.
"""

from django.utils import timezone, translation

from participants.models import Participant
from visits.feeds import entries_by_day, personal_agenda

from .closing import time_zone_label
from .dates import date_range
from .pdf import render_pdf

AGENDA_TEMPLATE = "reports/pdf/agenda.html"


def agenda_file_name(participant: Participant) -> str:
    return f"agenda-{participant.programme.slug}.pdf"


def agenda_pdf_context(participant: Participant) -> dict:
    """The participant's items by day with place, transport and speakers: three queries."""
    programme = participant.programme
    entries = personal_agenda(participant, with_materials=False)
    return {
        "programme": programme,
        "participant": participant,
        "days": entries_by_day(programme, entries),
        "dates": date_range(programme.start_date, programme.end_date),
        "time_zone_label": time_zone_label(programme),
        "generated_at": timezone.now(),
    }


def render_agenda_pdf(participant: Participant, *, language: str) -> bytes:
    """The agenda PDF in `language`, every time in the programme's time zone."""
    programme = participant.programme
    with translation.override(language), timezone.override(programme.time_zone):
        return render_pdf(AGENDA_TEMPLATE, agenda_pdf_context(participant))
