"""The programme overview: categories, countries, the participant list and the agenda, one PDF.

Admins only: it lists every participant. The job kind is `PROGRAMME_OVERVIEW_JOB` below.
"""

from django.utils import timezone

from participants.queries import (
    active_participants,
    countries_represented,
    counts_by_category,
    departed_participants,
)
from programs.models import Programme
from visits.queries import agenda_of, group_by_local_day

from .jobkind import JobKind, Rendered
from .models import GenerationJob
from .pdf import render_pdf

OVERVIEW_TEMPLATE = "reports/pdf/programme_overview.html"


def programme_overview_context(programme: Programme) -> dict:
    return {
        "programme": programme,
        "category_counts": counts_by_category(programme),
        "country_count": countries_represented(programme),
        "participants": active_participants(programme).select_related("country"),
        # Withdrawn and declined people are listed apart, with their dates and reasons.
        "departed": departed_participants(programme),
        "days": group_by_local_day(programme, agenda_of(programme)),
        "generated_at": timezone.now(),
    }


def render_overview(job: GenerationJob, item_id: int) -> Rendered:
    pdf = render_pdf(OVERVIEW_TEMPLATE, programme_overview_context(job.programme))
    return Rendered(job.download_name("pdf"), pdf)


PROGRAMME_OVERVIEW_JOB = JobKind(render=render_overview, archive=False)
