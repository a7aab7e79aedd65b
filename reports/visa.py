"""Visa support letters: an invitation on the host's letterhead for each international delegate.

Letters are for organisers and admins only: they print passport numbers. A letter needs the
delegate's passport number and expiry date; delegates without them are listed as incomplete
and get no letter. Each is addressed to the host country's embassy or consulate in the
delegate's passport country, issued by the programme's issuing authority (the host unless the
organisers name another) and signed by the programme's visa signatory, else by the first
signatory of its certificates, else in the issuing authority's name. The funding statement,
the period of stay and the date and place of birth follow the programme's settings.

The job kind is `VISA_LETTERS_JOB` at the bottom: the letters of every delegate whose details are
complete, or the letter of the job's one `participant`.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from gettext import NullTranslations
from gettext import translation as iso_catalogue

import pycountry
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country

from participants.models import Participant
from participants.queries import active_participants
from programs.models import Programme
from programs.visa_wording import DEFAULT_VISA_FUNDING_STATEMENT

from .dates import date_range
from .jobkind import JobKind, Rendered, SubjectGone
from .models import GenerationJob, Signatory
from .pdf import media_url, render_pdf

VISA_LETTER_TEMPLATE = "reports/pdf/visa_letter.html"


def host_country_of(programme: Programme) -> Country:
    """The country that hosts the programme, whose embassies the letters are addressed to."""
    return Country(programme.host_country.code)


@lru_cache(maxsize=16)
def _country_name_catalogue(language: str) -> NullTranslations:
    """The ISO 3166-1 names translated into `language`, as pycountry ships them."""
    languages = [language, language.split("-")[0]]
    return iso_catalogue("iso3166-1", pycountry.LOCALES_DIR, languages=languages, fallback=True)


def country_name(country: Country) -> str:
    """The country's common name in the active language.

    django-countries' translation where it has one for the language, else the ISO catalogue's
    (it has Indonesian, which django-countries lacks), else the English name.
    """
    name = str(country.name)
    language = translation.get_language() or "en"
    if language.startswith("en"):
        return name
    with translation.override("en"):
        untranslated = name == str(country.name)
    record = pycountry.countries.get(alpha_2=country.code)
    if untranslated and record is not None:
        translated = _country_name_catalogue(language).gettext(record.name)
        if translated != record.name:
            return translated
    return name


def official_country_name(country: Country) -> tuple[str, bool]:
    """The country's official name in the active language and whether it is one.

    "Democratic Socialist Republic of Sri Lanka" where pycountry knows an official name and
    has it in the language (or the language is English); otherwise the common name in that
    language ("Japan", "Jepang").
    """
    record = pycountry.countries.get(alpha_2=country.code)
    official = getattr(record, "official_name", "") if record else ""
    if official:
        language = translation.get_language() or "en"
        translated = _country_name_catalogue(language).gettext(official)
        if language.startswith("en") or translated != official:
            return translated, True
    return country_name(country), False


def passport_country_of(participant: Participant) -> Country | None:
    """The country whose passport the delegate travels on: their nationality, else the
    member country they represent."""
    if participant.nationality:
        return participant.nationality
    if participant.country_id:
        return participant.country.country
    return None


def addressee(host: Country, passport_country: Country | None) -> str:
    """ "To the Embassy or Consulate of the Republic of Indonesia in Thailand", in the active
    language: the host's mission in the country where the delegate applies."""
    name, is_official = official_country_name(host)
    place = ""
    # A delegate holding the host's own passport applies nowhere: no place is named.
    if passport_country is not None and passport_country.code != host.code:
        place = country_name(passport_country)
    values = {"country": name, "place": place}
    if place and is_official:
        return gettext("To the Embassy or Consulate of the %(country)s in %(place)s") % values
    if place:
        return gettext("To the Embassy or Consulate of %(country)s in %(place)s") % values
    if is_official:
        return gettext("To the Embassy or Consulate of the %(country)s") % values
    return gettext("To the Embassy or Consulate of %(country)s") % values


def programme_has_ended(programme: Programme, *, today: date | None = None) -> bool:
    """Whether the programme's last day has passed, in its own time zone."""
    today = today or timezone.localdate(timezone=programme.tzinfo)
    return programme.end_date < today


def funding_statement(programme: Programme) -> str:
    """The programme's funding statement; the default one in the letter's language."""
    statement = programme.visa_funding_statement.strip()
    if statement == DEFAULT_VISA_FUNDING_STATEMENT:
        return gettext(DEFAULT_VISA_FUNDING_STATEMENT)
    return statement


def stay_dates(programme: Programme, participant: Participant) -> str:
    """The delegate's stay as the letter states it: their recorded arrival and departure
    days, each else the programme's first or last day."""
    tz = programme.tzinfo
    arrival, departure = participant.arrival_at, participant.departure_at
    first = timezone.localtime(arrival, tz).date() if arrival else programme.start_date
    last = timezone.localtime(departure, tz).date() if departure else programme.end_date
    return date_range(first, last)


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


@dataclass(frozen=True)
class LetterSigner:
    """Who signs a programme's letters: name, title and organisation, as printed."""

    name: str
    title: str = ""
    organisation: str = ""


@dataclass
class Letterhead:
    """What every letter of a programme shares: signatory, logo and the files they embed."""

    programme: Programme
    signatory: LetterSigner | None
    logo_url: str = ""
    signature_url: str = ""
    media: frozenset[str] = frozenset()


def letterhead_for(programme: Programme) -> Letterhead:
    """The programme's letterhead: at most one query, for a certificate signatory.

    The programme's own visa signatory signs when named (without a scanned signature: one is
    only stored for certificate signatories); else the certificates' first signatory with
    their signature; else nobody, and the letter closes with the issuing authority's name.
    """
    media = set()
    logo_url = signature_url = ""
    # Only these stored files may be embedded: the URL fetcher refuses every other name.
    if programme.logo:
        media.add(programme.logo.name)
        logo_url = media_url(programme.logo.name)
    signer = None
    if programme.visa_signatory_name.strip():
        signer = LetterSigner(
            name=programme.visa_signatory_name.strip(),
            title=programme.visa_signatory_title.strip(),
            organisation=programme.visa_authority,
        )
    else:
        signatory = (
            Signatory.objects.filter(template__programme=programme)
            .order_by("position", "pk")
            .first()
        )
        if signatory is not None:
            signer = LetterSigner(
                name=signatory.name,
                title=signatory.title,
                organisation=signatory.organisation or programme.visa_authority,
            )
            if signatory.signature:
                media.add(signatory.signature.name)
                signature_url = media_url(signatory.signature.name)
    return Letterhead(
        programme=programme,
        signatory=signer,
        logo_url=logo_url,
        signature_url=signature_url,
        media=frozenset(media),
    )


def visa_letter_context(letterhead: Letterhead, participant: Participant) -> dict:
    """What the letter template prints; call it in the letter's language."""
    programme = letterhead.programme
    passport_country = passport_country_of(participant)
    show_birth = programme.visa_show_birth_details
    return {
        "programme": programme,
        "participant": participant,
        "nationality": country_name(passport_country) if passport_country else "",
        "addressee": addressee(host_country_of(programme), passport_country),
        "authority": programme.visa_authority,
        "funding_statement": funding_statement(programme),
        "stay": stay_dates(programme, participant) if programme.visa_show_stay_dates else "",
        "date_of_birth": participant.date_of_birth if show_birth else None,
        "place_of_birth": participant.place_of_birth.strip() if show_birth else "",
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


def letter_recipients(programme: Programme, participant_id: int | None = None) -> list[int]:
    """Ids of the delegates a letter job writes to: its one delegate, or those whose passport
    details are complete."""
    if participant_id:
        return [participant_id]
    delegates = (
        visa_delegates(programme)
        .select_related(None)
        .only("id", "full_name", "full_name_latin", "passport_number", "passport_expiry")
    )
    return [delegate.pk for delegate in delegates if has_passport_details(delegate)]


def _job_items(job: GenerationJob) -> list[int]:
    return letter_recipients(job.programme, job.participant_id)


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
