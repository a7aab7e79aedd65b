"""Visa support letters: an invitation on the host's letterhead for each international delegate.

Letters are for organisers and admins only: they print passport numbers. A letter needs the
delegate's passport number and expiry date; delegates without them are listed as incomplete
and get no letter. The letter is signed by the first signatory of the programme's certificates
(the host's representative) or, when there is none, in the host institution's name.

The job kind is `VISA_LETTERS_JOB` at the bottom: the letters of every delegate whose details are
complete, or the letter of the job's one `participant`.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from participants.models import Participant
from participants.queries import active_participants
from programs.models import Programme

from .dates import date_range
from .jobkind import JobKind, Rendered, SubjectGone
from .models import GenerationJob, Signatory
from .pdf import media_url, render_pdf

VISA_LETTER_TEMPLATE = "reports/pdf/visa_letter.html"


def visa_delegates(programme: Programme) -> QuerySet[Participant]:
    """Active international delegates, in list order, with what the letters print."""
    return (
        active_participants(programme)
        .filter(category=Participant.Category.INTERNATIONAL)
        .select_related("country")
        .order_by(*Participant._meta.ordering, "pk")
    )


def missing_passport_details(participant: Participant) -> list[str]:
    """Labels of the passport details a letter needs and the participant lacks."""
    missing = []
    if not participant.passport_number.strip():
        missing.append(str(_("passport number")))
    if participant.passport_expiry is None:
        missing.append(str(_("passport expiry")))
    return missing


def has_passport_details(participant: Participant) -> bool:
    return not missing_passport_details(participant)


# Indonesia, like many countries, asks for a passport valid six months beyond the stay.
PASSPORT_VALIDITY_AFTER_STAY = timedelta(days=183)


def passport_expires_too_soon(participant: Participant, programme: Programme) -> bool:
    expiry = participant.passport_expiry
    return expiry is not None and expiry < programme.end_date + PASSPORT_VALIDITY_AFTER_STAY


@dataclass(frozen=True)
class VisaLetterRow:
    """A delegate on the visa-letter page: what their letter lacks and what to check."""

    participant: Participant
    missing: list[str]
    expires_too_soon: bool

    @property
    def is_complete(self) -> bool:
        return not self.missing


def visa_letter_rows(programme: Programme) -> list[VisaLetterRow]:
    """Every active international delegate with the state of their passport details: one query."""
    delegates = visa_delegates(programme).only(
        "id",
        "programme_id",
        "full_name",
        "full_name_latin",
        "nationality",
        "passport_number",
        "passport_expiry",
        "institution",
        "country__id",
        "country__country",
    )
    return [
        VisaLetterRow(
            participant=delegate,
            missing=missing_passport_details(delegate),
            expires_too_soon=passport_expires_too_soon(delegate, programme),
        )
        for delegate in delegates
    ]


def reference_number(programme: Programme, participant: Participant) -> str:
    """A stable reference for the letter, e.g. PERPUSNAS/TPBIS-2023/VL/0012."""
    host = slugify(programme.host_short_name).upper() if programme.host_short_name else ""
    parts = [part for part in (host, programme.slug.upper(), "VL", f"{participant.pk:04d}") if part]
    return "/".join(parts)


def letter_file_name(participant: Participant) -> str:
    readable = slugify(participant.full_name_latin or participant.full_name)
    return f"visa-letter-{participant.pk}{'-' + readable if readable else ''}.pdf"


@dataclass
class Letterhead:
    """What every letter of a programme shares: signatory, logo and the files they embed."""

    programme: Programme
    signatory: Signatory | None
    logo_url: str = ""
    signature_url: str = ""
    media: frozenset[str] = frozenset()


def letterhead_for(programme: Programme) -> Letterhead:
    """The programme's letterhead: one query for the signatory."""
    signatory = (
        Signatory.objects.filter(template__programme=programme).order_by("position", "pk").first()
    )
    media = set()
    logo_url = signature_url = ""
    # Only these stored files may be embedded: the URL fetcher refuses every other name.
    if programme.logo:
        media.add(programme.logo.name)
        logo_url = media_url(programme.logo.name)
    if signatory is not None and signatory.signature:
        media.add(signatory.signature.name)
        signature_url = media_url(signatory.signature.name)
    return Letterhead(
        programme=programme,
        signatory=signatory,
        logo_url=logo_url,
        signature_url=signature_url,
        media=frozenset(media),
    )


def visa_letter_context(letterhead: Letterhead, participant: Participant) -> dict:
    programme = letterhead.programme
    nationality = participant.nationality.name if participant.nationality else ""
    return {
        "programme": programme,
        "participant": participant,
        "nationality": nationality or (str(participant.country) if participant.country_id else ""),
        "reference": reference_number(programme, participant),
        "letter_date": timezone.localdate(timezone=programme.tzinfo),
        "dates": date_range(programme.start_date, programme.end_date),
        "signatory": letterhead.signatory,
        "logo_url": letterhead.logo_url,
        "signature_url": letterhead.signature_url,
    }


def render_visa_letter(
    participant: Participant, *, language: str, letterhead: Letterhead | None = None
) -> bytes:
    """The delegate's letter as PDF bytes, in `language`."""
    programme = participant.programme
    letterhead = letterhead or letterhead_for(programme)
    with translation.override(language), timezone.override(programme.time_zone):
        return render_pdf(
            VISA_LETTER_TEMPLATE,
            visa_letter_context(letterhead, participant),
            allowed_media=letterhead.media,
        )


# --- The "all visa support letters" job kind -------------------------------------------------


def _letterhead_for_job(job: GenerationJob) -> Letterhead:
    # Built once per chunk: the framework hands every item of a chunk the same job object.
    letterhead = job.__dict__.get("_visa_letterhead")
    if letterhead is None:
        letterhead = letterhead_for(job.programme)
        job.__dict__["_visa_letterhead"] = letterhead
    return letterhead


def _job_items(job: GenerationJob) -> list[int]:
    """The one delegate of the job, or those whose passport details are complete."""
    if job.participant_id:
        return [job.participant_id]
    delegates = (
        visa_delegates(job.programme)
        .select_related(None)
        .only("id", "full_name", "full_name_latin", "passport_number", "passport_expiry")
    )
    return [delegate.pk for delegate in delegates if has_passport_details(delegate)]


def render_letter(job: GenerationJob, participant_id: int) -> Rendered | None:
    participant = visa_delegates(job.programme).filter(pk=participant_id).first()
    if participant is None or not has_passport_details(participant):
        if job.participant_id:
            raise SubjectGone(_("The delegate no longer has complete passport details."))
        return None
    participant.programme = job.programme
    pdf = render_visa_letter(
        participant, language=job.language, letterhead=_letterhead_for_job(job)
    )
    return Rendered(letter_file_name(participant), pdf)


VISA_LETTERS_JOB = JobKind(items=_job_items, render=render_letter)
