"""Badges: four A6 badges to an A4 sheet, for every active participant or for one.

The job kind is `BADGES_JOB` below; a job with a `participant` prints that participant's badge.
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from participants.models import Participant
from participants.queries import active_participants
from programs.models import Programme

from .jobkind import JobKind, Rendered, SubjectGone
from .models import GenerationJob
from .pdf import render_pdf
from .qr import qr_svg

BADGES_TEMPLATE = "reports/pdf/badges.html"
# Four A6 badges fill one A4 sheet exactly: two across, two down.
BADGES_PER_SHEET = 4


@dataclass(frozen=True)
class Badge:
    """What one printed badge shows."""

    participant: Participant
    # The name as the participant writes it (certificate name, else the passport name).
    name: str
    # The Latin transliteration printed beneath, or "" when it would repeat the name.
    latin: str
    origin: str
    institution: str
    category: str
    qr: SafeString

    @property
    def name_size(self) -> str:
        """A CSS class that steps the name's type down so long names stay on the badge."""
        length = len(self.name)
        if length > 44:
            return "name-longest"
        if length > 30:
            return "name-longer"
        if length > 20:
            return "name-long"
        return ""


def badge_for(participant: Participant) -> Badge:
    name = participant.name_for_certificate
    latin = participant.full_name_latin if participant.full_name_latin != name else ""
    origin = participant.origin
    return Badge(
        participant=participant,
        name=name,
        latin=latin,
        origin=origin,
        institution=" ".join(participant.institution.split()),
        category=participant.get_category_display(),
        qr=qr_svg(participant.badge_code),
    )


def badge_holders(programme: Programme) -> QuerySet[Participant]:
    """Who gets a badge: the active participants, but nobody whose data was erased (their
    badge would print an anonymised name, and nobody wears it)."""
    return active_participants(programme).filter(erased_at__isnull=True)


def badges_context(programme: Programme, *, participant_id: int | None = None) -> dict:
    """Badges of every active participant, or of one participant, in sheets of four.

    Raises SubjectGone when the one participant asked for is no longer in the programme.
    """
    if participant_id is None:
        participants = badge_holders(programme)
    else:
        participants = programme.participants.filter(pk=participant_id, erased_at__isnull=True)
    participants = list(participants.select_related("country", "province"))
    if participant_id is not None and not participants:
        raise SubjectGone(_("The participant no longer exists."))
    badges = [badge_for(participant) for participant in participants]
    return {
        "programme": programme,
        "badges": badges,
        "sheets": [
            badges[start : start + BADGES_PER_SHEET]
            for start in range(0, len(badges), BADGES_PER_SHEET)
        ],
    }


def render_badges(job: GenerationJob, item_id: int) -> Rendered:
    context = badges_context(job.programme, participant_id=job.participant_id)
    return Rendered(job.download_name("pdf"), render_pdf(BADGES_TEMPLATE, context))


BADGES_JOB = JobKind(render=render_badges, archive=False)
