"""Certificates: who earns one, their verification codes, and how they are rendered.

A participant earns a certificate under the programme's CertificateTemplate: attendance of at
least `minimum_attendance` per cent of the agenda items they were booked on and whose attendance
was recorded, and (when the template says so) the status "completed". Each certificate has a
short unguessable code, printed with a QR code that opens the public verification page; the
code never changes, so a regenerated certificate verifies exactly as the first one did.

The batch of all certificates is a job kind (see `reports.jobkind`): `CERTIFICATES_JOB` at the
bottom of this module. The PDF of one participant is always stored under the same name
(`reports.models.certificate_path`) and overwritten when regenerated.
"""

import json
import secrets
import shutil
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Case, Value, When
from django.db.models.functions import Now
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from participants.models import Participant
from participants.queries import INACTIVE_STATUSES
from programs.files import open_stored
from programs.models import Programme
from programs.numbers import percent
from visits.queries import with_attendance

from .dates import date_range
from .jobkind import JobKind, Output, job_folder, save_file
from .models import (
    LOCAL_BLANKS,
    LOCAL_DEFAULTS_LANGUAGE,
    Certificate,
    CertificateTemplate,
    GenerationJob,
    Signatory,
    certificate_path,
)
from .pdf import (
    generated_url,
    media_url,
    render_html_pdf,
    select_pages,
    split_onto,
)
from .qr import qr_jpeg
from .webhook_events import CERTIFICATE_ISSUED, CERTIFICATE_REVOKED, announce_certificates

CERTIFICATE_TEMPLATE = "reports/pdf/certificate.html"
CERTIFICATE_STYLESHEET = "css/certificate.css"
# Certificates per task, rendered as one document: a document's fixed cost (stylesheet
# cascade, fonts, PDF writing) is spread over more pages than the jobs' default chunk, while a
# batch of a thousand still splits into twenty tasks for the workers to share (fifty measured
# 0.07–0.25 lower in wall ratio than twenty-five, in four runs alternating).
CERTIFICATES_PER_CHUNK = 50

# Crockford's base32: digits and capitals without I, L, O and U, so a code read aloud or typed
# from paper cannot be misread. Twelve symbols carry 60 random bits.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_PREFIX = "TPB"
CODE_LENGTH = 12
CODE_GROUP = 4
# What people type instead of the symbol meant (Crockford's decoding rules).
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})

# Width (mm) for the signatures, by orientation: beside the QR code, or across the page above it.
SIGNATORY_ROOM_MM = {"landscape": 205, "portrait": 170}
# A made-up participant for the template preview: a name with diacritics shows the fonts work.
SAMPLE_NAME = "Nguyễn Thị Thu Hà"
SAMPLE_LATIN = ""
SAMPLE_INSTITUTION = "National Library of Viet Nam"
SAMPLE_CODE = "TPB-SAMP-LE00-0000"


def new_certificate_code() -> str:
    """A fresh code such as TPB-7KQ2-M9XD-4RBT (not checked against the database)."""
    # One draw of 60 random bits (one system call, not one per symbol), five bits a symbol.
    bits = secrets.randbits(CODE_LENGTH * 5)
    body = "".join(CODE_ALPHABET[bits >> shift & 31] for shift in range(0, CODE_LENGTH * 5, 5))
    groups = [body[start : start + CODE_GROUP] for start in range(0, CODE_LENGTH, CODE_GROUP)]
    return "-".join([CODE_PREFIX, *groups])


def normalise_code(raw: str) -> str | None:
    """The canonical form of a typed code (any case, spaces or dashes), or None if malformed."""
    compact = "".join(raw.split()).replace("-", "").upper()
    if len(compact) == len(CODE_PREFIX) + CODE_LENGTH and compact.startswith(CODE_PREFIX):
        compact = compact.removeprefix(CODE_PREFIX)
    body = compact.translate(_MISREAD)
    if len(body) != CODE_LENGTH or any(symbol not in CODE_ALPHABET for symbol in body):
        return None
    groups = [body[start : start + CODE_GROUP] for start in range(0, CODE_LENGTH, CODE_GROUP)]
    return "-".join([CODE_PREFIX, *groups])


def template_for(programme: Programme) -> CertificateTemplate:
    """The programme's certificate template, created with the defaults on first use."""
    # The default local heading and wording are Indonesian: other languages start empty.
    defaults = {} if programme.content_language == LOCAL_DEFAULTS_LANGUAGE else LOCAL_BLANKS
    template, _created = CertificateTemplate.objects.get_or_create(
        programme=programme, defaults=defaults
    )
    template.programme = programme  # already loaded: no second query for its language
    return template


# --- Eligibility -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    """Whether a participant earns a certificate, and why not when they do not."""

    participant: Participant
    recorded: int
    present: int
    eligible: bool
    reason: str = ""

    @property
    def attendance_percent(self) -> int | None:
        return percent(self.present, self.recorded)


def judge(participant: Participant, template: CertificateTemplate) -> Eligibility:
    """Apply the template's rule to a participant annotated by `with_attendance`."""
    recorded, present = participant.recorded, participant.present

    def result(eligible: bool, reason: str = "") -> Eligibility:
        return Eligibility(participant, recorded, present, eligible, str(reason))

    if participant.is_erased:
        return result(False, _("Erased on request"))
    if participant.status in INACTIVE_STATUSES:
        return result(False, participant.get_status_display())
    if template.require_completed_status and participant.status != Participant.Status.COMPLETED:
        return result(False, _("Not marked as completed"))
    if template.minimum_attendance == 0:
        return result(True)
    if recorded == 0:
        return result(False, _("No attendance recorded"))
    # Integer comparison: 4 of 5 items is exactly 80 %, with no rounding at the boundary.
    if present * 100 < template.minimum_attendance * recorded:
        return result(
            False,
            _("Attended %(percent)s%% (minimum %(minimum)s%%)")
            % {"percent": percent(present, recorded), "minimum": template.minimum_attendance},
        )
    return result(True)


def eligibility_of(programme: Programme, template: CertificateTemplate) -> list[Eligibility]:
    """Every participant of the programme with their eligibility and certificate: one query."""
    participants = with_attendance(
        programme.participants.select_related("country", "certificate")
    ).order_by(*Participant._meta.ordering, "pk")
    return [judge(participant, template) for participant in participants]


def eligible_ids(programme: Programme, template: CertificateTemplate) -> list[int]:
    """Ids of the participants who earn a certificate and whose certificate is not revoked."""
    participants = (
        with_attendance(programme.participants.all())
        .exclude(certificate__revoked_at__isnull=False)
        .order_by(*Participant._meta.ordering, "pk")
        .only("id", "programme", "status", "full_name", "full_name_latin", "erased_at")
    )
    return [p.pk for p in participants if judge(p, template).eligible]


# --- Codes -----------------------------------------------------------------------------------


def issue_certificates(*, participant_ids: list[int]) -> None:
    """Give each participant without a certificate row one, with a fresh unique code.

    Side effects: inserts Certificate rows (no file yet) and tells the programme's webhooks.
    Existing rows and codes are kept.
    """
    have = set(
        Certificate.objects.filter(participant_id__in=participant_ids).values_list(
            "participant_id", flat=True
        )
    )
    missing = [pk for pk in participant_ids if pk not in have]
    if not missing:
        return
    rows = [Certificate(participant_id=pk, code=new_certificate_code()) for pk in missing]
    try:
        with transaction.atomic():
            Certificate.objects.bulk_create(rows)
    except IntegrityError:
        # A code collision (1 in 2^60) or a concurrent issue for the same participant:
        # insert one by one so that only the clashing rows are retried.
        for row in rows:
            _issue_one(row.participant_id)
        return
    announce_certificates(CERTIFICATE_ISSUED, [row.pk for row in rows])


def _issue_one(participant_id: int) -> Certificate:
    for _attempt in range(5):
        existing = Certificate.objects.filter(participant_id=participant_id).first()
        if existing:
            return existing
        try:
            with transaction.atomic():
                issued = Certificate.objects.create(
                    participant_id=participant_id, code=new_certificate_code()
                )
                announce_certificates(CERTIFICATE_ISSUED, [issued.pk])
                return issued
        except IntegrityError:
            continue
    raise RuntimeError(f"Could not issue a certificate code for participant {participant_id}")


def issue_certificate(*, participant: Participant) -> Certificate:
    """The participant's certificate row, created with a new code when they have none.

    Side effects: may insert a Certificate row.
    """
    return _issue_one(participant.pk)


def revoke_certificate(*, certificate: Certificate, reason: str) -> None:
    """Mark a certificate revoked: the verification page then says so, with the reason.

    Side effects: sets revoked_at and the reason (the file is kept for the record); tells the
    programme's webhooks.
    """
    certificate.revoked_at = timezone.now()
    certificate.revocation_reason = reason
    certificate.save(update_fields=["revoked_at", "revocation_reason"])
    announce_certificates(CERTIFICATE_REVOKED, [certificate.pk])


# --- Public verification ---------------------------------------------------------------------

# The columns the public verification reads: it shows nothing else of the participant.
_VERIFICATION_COLUMNS = (
    "code",
    "revoked_at",
    "revocation_reason",
    "participant__full_name",
    "participant__full_name_latin",
    "participant__certificate_name",
    "participant__erased_at",
    "participant__programme__title_en",
    "participant__programme__title_local",
    "participant__programme__content_language",
    "participant__programme__start_date",
    "participant__programme__end_date",
    "participant__programme__time_zone",
)


@dataclass(frozen=True)
class Verification:
    """What anyone holding a certificate code may learn: the name on it (none after an
    erasure on request), the programme, its dates, and whether it is valid."""

    certificate: Certificate
    name: str
    latin: str

    @property
    def programme(self) -> Programme:
        return self.certificate.participant.programme

    @property
    def erased(self) -> bool:
        return self.certificate.participant.is_erased


def verify_certificate(canonical_code: str) -> Verification | None:
    """The verification of a code in its canonical form (see `normalise_code`): one query."""
    certificate = (
        Certificate.objects.select_related("participant", "participant__programme")
        .only(*_VERIFICATION_COLUMNS)
        .filter(code=canonical_code)
        .first()
    )
    if certificate is None:
        return None
    participant = certificate.participant
    # After an erasure on request the name is gone: the code still says whether it is genuine
    # and for which programme, and the paper certificate carries the name.
    name = "" if participant.is_erased else participant.name_for_certificate
    latin = participant.full_name_latin if participant.full_name_latin != name else ""
    return Verification(certificate=certificate, name=name, latin=latin)


# --- Rendering -------------------------------------------------------------------------------


def site_url() -> str:
    """Where verification links point when no request tells us the host (in workers)."""
    return settings.SITE_URL


def verification_url(code: str, *, base_url: str | None = None) -> str:
    return (base_url or site_url()).rstrip("/") + reverse("reports:verify", args=[code])


@dataclass
class CertificateLayout:
    """Everything a programme's certificates share; built once per batch."""

    programme: Programme
    template: CertificateTemplate
    signatories: list[Signatory]
    base_url: str
    media: set[str] = field(default_factory=set)
    programme_logo_url: str = ""
    partner_logo_url: str = ""
    signature_urls: dict[int, str] = field(default_factory=dict)
    # Decoded images shared by the renders of one batch (WeasyPrint's image cache).
    image_cache: dict = field(default_factory=dict)
    # The layer every certificate shares, as a PDF, once rendered (see shared_layer_pdf).
    shared_pdf: bytes | None = None


def layout_for(
    programme: Programme,
    *,
    template: CertificateTemplate | None = None,
    base_url: str | None = None,
) -> CertificateLayout:
    """The shared parts of a programme's certificates: template, signatories, images."""
    template = template or template_for(programme)
    signatories = list(template.signatories.all())
    layout = CertificateLayout(
        programme=programme,
        template=template,
        signatories=signatories,
        base_url=base_url or site_url(),
    )
    # Only these stored files may be embedded: the URL fetcher refuses every other name.
    if programme.logo:
        layout.media.add(programme.logo.name)
        layout.programme_logo_url = media_url(programme.logo.name)
    if template.partner_logo:
        layout.media.add(template.partner_logo.name)
        layout.partner_logo_url = media_url(template.partner_logo.name)
    for signatory in signatories:
        if signatory.signature:
            layout.media.add(signatory.signature.name)
            layout.signature_urls[signatory.pk] = media_url(signatory.signature.name)
    return layout


def name_size(name: str) -> str:
    """A CSS class that steps long names down so that they stay on one or two lines."""
    length = len(name)
    if length > 60:
        return "name-longest"
    if length > 42:
        return "name-longer"
    if length > 28:
        return "name-long"
    return ""


@dataclass(frozen=True)
class CertificatePage:
    """What one certificate says of its participant (the rest is the programme's)."""

    name: str
    latin: str
    code: str
    institution: str = ""
    sample: bool = False

    @classmethod
    def of(cls, participant: Participant, *, code: str, sample: bool = False) -> "CertificatePage":
        return cls(
            name=participant.name_for_certificate,
            latin=participant.full_name_latin,
            code=code,
            institution=participant.institution,
            sample=sample,
        )


def shared_context(layout: CertificateLayout) -> dict:
    """The template context every certificate of the layout shares."""
    programme = layout.programme
    # Signatories share the width left of the QR code in equal columns, placed absolutely:
    # a table costs the renderer several layout passes.
    room, gap = SIGNATORY_ROOM_MM[layout.template.orientation], 6
    count = max(len(layout.signatories), 1)
    width = min(70, (room - gap * (count - 1)) / count)
    start = (room - count * width - gap * (count - 1)) / 2
    signatories = [
        {
            "signatory": signatory,
            "signature_url": layout.signature_urls.get(signatory.pk, ""),
            "left": f"{start + index * (width + gap):.1f}",
            "width": f"{width:.1f}",
        }
        for index, signatory in enumerate(layout.signatories)
    ]
    return {
        "programme": programme,
        "template": layout.template,
        "dates": date_range(programme.start_date, programme.end_date),
        "programme_logo_url": layout.programme_logo_url,
        "partner_logo_url": layout.partner_logo_url,
        "signatories": signatories,
        "orientation": layout.template.orientation,
    }


def page_context(layout: CertificateLayout, page: CertificatePage, *, qr_url: str) -> dict:
    """One participant's entry in the template's `pages`."""
    return {
        "name": page.name,
        "latin": page.latin if page.latin and page.latin != page.name else "",
        "institution": page.institution,
        "name_size": name_size(page.name),
        "code": page.code,
        "verify_url": verification_url(page.code, base_url=layout.base_url),
        "qr_url": qr_url,
        "sample": page.sample,
    }


def certificate_html(
    layout: CertificateLayout, pages: list[CertificatePage], *, shared: bool
) -> tuple[str, dict[str, bytes]]:
    """The certificates' HTML (one page per entry) and the QR images it embeds.

    With `pages` empty and `shared` set, it is the layer every certificate shares, alone.
    """
    generated: dict[str, bytes] = {}
    entries: list[dict | None] = []
    for number, page in enumerate(pages):
        qr_url = generated_url(f"qr-{number}.jpg")
        entry = page_context(layout, page, qr_url=qr_url)
        generated[qr_url] = qr_jpeg(entry["verify_url"])
        entries.append(entry)
    context = {**shared_context(layout), "shared": shared, "pages": entries or [None]}
    return render_to_string(CERTIFICATE_TEMPLATE, context), generated


def _render(layout: CertificateLayout, html: str, generated: dict[str, bytes]) -> bytes:
    return render_html_pdf(
        html,
        allowed_media=layout.media,
        generated=generated,
        image_cache=layout.image_cache,
        stylesheet=CERTIFICATE_STYLESHEET,
    )


def shared_layer_pdf(layout: CertificateLayout) -> bytes:
    """The page every certificate of the layout shares, rendered once per layout."""
    if layout.shared_pdf is None:
        html, _generated = certificate_html(layout, [], shared=True)
        layout.shared_pdf = _render(layout, html, {})
    return layout.shared_pdf


def render_certificates(
    layout: CertificateLayout, pages: list[CertificatePage]
) -> tuple[list[bytes], bytes]:
    """One PDF per page, in order, and one of them all: the participants' layers, rendered
    together, each laid over the shared layer. They look exactly as if each had been rendered
    whole."""
    html, generated = certificate_html(layout, pages, shared=False)
    return split_onto(shared_layer_pdf(layout), _render(layout, html, generated))


def render_certificate_pdf(layout: CertificateLayout, page: CertificatePage) -> bytes:
    files, _whole = render_certificates(layout, [page])
    return files[0]


def render_sample(programme: Programme, *, base_url: str, participant=None) -> bytes:
    """The template as it stands, for a made-up participant or for `participant`."""
    layout = layout_for(programme, base_url=base_url)
    if participant is None:
        page = CertificatePage(
            name=SAMPLE_NAME,
            latin=SAMPLE_LATIN,
            code=SAMPLE_CODE,
            institution=SAMPLE_INSTITUTION,
            sample=True,
        )
    else:
        certificate = getattr(participant, "certificate", None)
        page = CertificatePage.of(
            participant,
            code=certificate.code if certificate else SAMPLE_CODE,
            sample=certificate is None,
        )
    return render_certificate_pdf(layout, page)


def store_certificates(rendered: list[tuple[Certificate, bytes]]) -> list[str]:
    """Write each certificate's one file (overwriting it) and record when it was rendered.

    Side effects: replaces the stored files; sets the rows' file names and rendered_at, in one
    query.
    """
    names = {
        certificate.pk: save_file(certificate_path(certificate, "certificate.pdf"), pdf)
        for certificate, pdf in rendered
    }
    if names:
        # The database clock, like the job's started_at: the job counts what was rendered since.
        Certificate.objects.filter(pk__in=names).update(
            rendered_at=Now(),
            file=Case(*(When(pk=pk, then=Value(name)) for pk, name in names.items())),
        )
    return list(names.values())


def archive_name(code: str, full_name: str, full_name_latin: str) -> str:
    """The file's name inside the ZIP: the code, then the Latin name when there is one."""
    readable = _slug(full_name_latin or full_name)
    return f"{code}-{readable}.pdf" if readable else f"{code}.pdf"


@lru_cache(maxsize=4096)
def _slug(name: str) -> str:
    # A batch lists its outputs after every chunk: the same names, slugified once.
    return slugify(name)


# --- The "all certificates" job kind ---------------------------------------------------------


def _layout_for_job(job: GenerationJob) -> CertificateLayout:
    """The programme's layout with the job's shared layer: rendered once, when the job starts,
    and stored with its files, so that every chunk, on any worker, lays its pages over the same
    one (a template edited meanwhile shows in the next job). Renders and stores it if missing.
    """
    layout = layout_for(job.programme)
    name = f"{job_folder(job)}/shared-layer.pdf"
    try:
        with open_stored(name)[0] as stored:
            layout.shared_pdf = stored.read()
    except FileNotFoundError:
        save_file(name, shared_layer_pdf(layout))
    return layout


def _job_prepare(job: GenerationJob) -> None:
    _layout_for_job(job)


def _job_items(job: GenerationJob) -> list[int]:
    """Eligible participants; codes are issued now, so every code exists before rendering."""
    ids = eligible_ids(job.programme, template_for(job.programme))
    issue_certificates(participant_ids=ids)
    return ids


def _job_render_chunk(job: GenerationJob, participant_ids: list[int]) -> dict[int, Output | None]:
    """Render and store the certificates of a chunk of participants, in one document.

    Side effects: writes each certificate's file and its row's rendered_at; issues a code to a
    participant who has none yet (possible when eligibility changed since the job started).
    """
    participants = list(job.programme.participants.filter(pk__in=participant_ids))
    # Two lookups by key, not one join: right after a thousand participants were added, before
    # PostgreSQL had refreshed its statistics, it joined them in a nested loop (90 ms a chunk,
    # a third of a batch's time).
    certificates = {
        certificate.participant_id: certificate
        for certificate in Certificate.objects.filter(participant__in=participants)
    }
    for participant in participants:
        if participant.pk not in certificates:
            certificates[participant.pk] = issue_certificate(participant=participant)
        certificates[participant.pk].participant = participant
    chunk = [certificates[pk] for pk in participant_ids if pk in certificates]
    pages = [
        CertificatePage.of(certificate.participant, code=certificate.code) for certificate in chunk
    ]
    if not chunk:
        return dict.fromkeys(participant_ids)
    pdfs, whole = render_certificates(_layout_for_job(job), pages)
    names = store_certificates(list(zip(chunk, pdfs, strict=True)))
    _store_chunk_document(job, [certificate.participant_id for certificate in chunk], whole)
    results: dict[int, Output | None] = dict.fromkeys(participant_ids)
    for certificate, name in zip(chunk, names, strict=True):
        participant = certificate.participant
        results[participant.pk] = Output(
            participant.pk,
            archive_name(certificate.code, participant.full_name, participant.full_name_latin),
            name,
        )
    return results


def _store_chunk_document(job: GenerationJob, participant_ids: list[int], pdf: bytes) -> None:
    """Keep the chunk's certificates as one document, for the job's combined PDF.

    Its pages share one copy of the shared layer and of the fonts, where the single files each
    carry their own: merging forty such documents is far quicker than a thousand files, and
    the combined PDF far smaller. A listing of whose certificate each page is goes beside it.
    """
    stem = f"{job_folder(job)}/chunk-{participant_ids[0]}"
    save_file(f"{stem}.pdf", pdf)
    save_file(f"{stem}.json", json.dumps({"participants": participant_ids}).encode())


def _job_combine(job: GenerationJob, outputs: list[Output], folder: Path) -> Path | None:
    """The combined PDF from the chunks' documents, in the order of `outputs`.

    None, for the single files to be merged instead, unless every certificate is on exactly
    one page of them: a chunk handed out again after a worker died mid-way rewrites its own
    document, but a resumed job may have grouped the same certificates otherwise.
    """
    stored = job_folder(job)
    try:
        _dirs, files = default_storage.listdir(stored)
    except FileNotFoundError:
        return None
    pages: dict[int, tuple[Path, int]] = {}
    for listing in sorted(name for name in files if name.endswith(".json")):
        document = folder / listing.replace(".json", ".pdf")
        with open_stored(f"{stored}/{listing}")[0] as listing_file:
            participant_ids = json.load(listing_file)["participants"]
        with (
            open_stored(f"{stored}/{document.name}")[0] as stored_document,
            document.open("wb") as copy,
        ):
            shutil.copyfileobj(stored_document, copy)
        for index, participant_id in enumerate(participant_ids):
            if participant_id in pages:
                return None
            pages[participant_id] = (document, index)
    if any(output.item_id not in pages for output in outputs):
        return None
    return select_pages([pages[output.item_id] for output in outputs], folder / "combined.pdf")


CERTIFICATES_JOB = JobKind(
    items=_job_items,
    prepare=_job_prepare,
    render_chunk=_job_render_chunk,
    chunk_size=CERTIFICATES_PER_CHUNK,
    combine=_job_combine,
)
