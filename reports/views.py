"""Generated files: asking for them, following their jobs, downloading them.

Every generated file, a single document or a batch, is a GenerationJob. Who may see a job and
download its files depends on its kind (VIEW_ROLES); who may ask for it or retry it, too
(START_ROLES). Files are served only through `job_file`, from the storage API.
"""

from collections.abc import Callable
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from participants.access_log import Kind as AccessKind
from participants.access_log import record_personal_data_access
from participants.queries import participant_list_queryset
from programs.files import serve_stored_file
from programs.models import FocalPoint, Programme
from programs.offline import keep_offline
from programs.permissions import ADMIN, MANAGERS, TEAM, get_programme_for_user

from .badges import badge_holders
from .forms import BadgeRequestForm, DocumentLanguageForm, GenerateDocumentForm, StartJobForm
from .jobs import retry_job, start_job
from .manifest import manifest_passengers
from .models import GenerationJob
from .queries import latest_jobs
from .rooming_list import rooming_rows

Kind = GenerationJob.Kind

# Who may follow a job and download its files. The overview holds every participant's data and
# stays with admins; badges and manifests are working papers of the whole programme team;
# certificates, letters (passport numbers) and the closing report are the organisers'.
VIEW_ROLES: dict[str, tuple[str, ...]] = {
    Kind.PROGRAMME_OVERVIEW: (ADMIN,),
    Kind.BADGES: TEAM,
    Kind.MANIFEST: TEAM,
    Kind.TRANSFER_MANIFEST: TEAM,
    Kind.CERTIFICATES: MANAGERS,
    Kind.VISA_LETTERS: MANAGERS,
    Kind.CLOSING_REPORT: MANAGERS,
    # A delegation's nomination list is also its focal points' (see `job_for_user`).
    Kind.NOMINATION_LIST: MANAGERS,
    Kind.SELECTION_RECORD: MANAGERS,
    # Staff hand allowances out at the desk: they print the sheet and the receipts.
    Kind.PAYMENT_SHEET: TEAM,
    Kind.ALLOWANCE_RECEIPT: TEAM,
    # Sent to the hotel: a working paper of the whole team, like the manifests.
    Kind.ROOMING_LIST: TEAM,
    # For partners and funders, like the closing report.
    Kind.OUTCOME_REPORT: MANAGERS,
}
# Kinds about one delegation that its focal points may follow and download (not retry).
FOCAL_POINT_KINDS = (Kind.NOMINATION_LIST,)
# Who may ask for a job of each kind, or retry one.
START_ROLES: dict[str, tuple[str, ...]] = {
    **VIEW_ROLES,
    Kind.CERTIFICATES: (ADMIN,),
    Kind.CLOSING_REPORT: (ADMIN,),
    Kind.PAYMENT_SHEET: MANAGERS,
    Kind.ALLOWANCE_RECEIPT: MANAGERS,
}
# The newest jobs of a programme shown on its page; older ones only matter as history.
JOBS_SHOWN = 50
# The file extension of each file field of a job.
OUTPUT_EXTENSIONS = {"archive": "zip", "combined": "pdf", "spreadsheet": "xlsx"}
CONTENT_TYPES = {
    "zip": "application/zip",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def page_language() -> str:
    """The page's language when it is one documents are generated in, else the default."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def polling(jobs: list[GenerationJob]) -> dict:
    """Whether a page shows a job still pending: it then polls (see polling_head.html)."""
    return {"any_pending": any(job.is_pending for job in jobs)}


def job_for_user(
    user,
    job_id: UUID,
    *,
    roles: dict[str, tuple[str, ...]] = VIEW_ROLES,
    focal_points: bool = True,
):
    """The job if `user` holds a role its kind admits, or (with `focal_points`) is a focal
    point of the delegation it is about; 404 for outsiders, 403 for members without the
    role."""
    job = (
        GenerationJob.objects.select_related(
            "programme",
            "started_by",
            "participant",
            "vehicle",
            "transfer_run",
            "delegation__country",
            "delegation__province",
            "follow_up_round",
        )
        .filter(pk=job_id)
        .first()
    )
    if job is None:
        raise Http404
    if focal_points and _is_focal_point_of(user, job):
        job.programme.user_role = None
        return job
    job.programme = get_programme_for_user(
        user, job.programme.slug, roles=roles.get(job.kind, (ADMIN,))
    )
    return job


def _is_focal_point_of(user, job: GenerationJob) -> bool:
    if job.kind not in FOCAL_POINT_KINDS or job.delegation_id is None:
        return False
    focal_points = FocalPoint.objects.filter(delegation_id=job.delegation_id)
    return user.is_authenticated and focal_points.filter(user=user).exists()


def kinds_visible_to(role: str) -> list[str]:
    return [kind for kind, roles in VIEW_ROLES.items() if role in roles]


@login_required
@require_GET
def jobs(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's generated files that the user may see, newest first."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    job_list = list(
        programme.jobs.filter(kind__in=kinds_visible_to(programme.user_role)).select_related(
            "started_by", "participant", "vehicle", "transfer_run"
        )[:JOBS_SHOWN]
    )
    return render(
        request,
        "reports/jobs.html",
        {
            "programme": programme,
            "jobs": job_list,
            "form": StartJobForm(initial={"language": request.LANGUAGE_CODE}),
            "can_start": programme.user_role == ADMIN,
            **polling(job_list),
        },
    )


@login_required
@require_POST
def job_start(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=(ADMIN,))
    form = StartJobForm(request.POST)
    start_from_form(request, programme, form, error=_("Choose a batch and a language."))
    return redirect("reports:jobs", slug=programme.slug)


def start_from_form(
    request: HttpRequest,
    programme: Programme,
    form: DocumentLanguageForm,
    *,
    error: str,
    kind: str = "",
    label: str = "",
    **subject,
) -> GenerationJob | None:
    """Start the job a POSTed form asks for (its kind, or `kind`) about `subject`, and say
    where it stands; None, and `error` said, when the form is not valid."""
    if not form.is_valid():
        messages.error(request, error)
        return None
    job = start_job(
        programme=programme,
        kind=kind or form.cleaned_data["kind"],
        language=form.cleaned_data["language"],
        by=request.user,
        **subject,
    )
    say_started(request, job, label)
    return job


def start_in_language(
    request: HttpRequest, programme: Programme, *, kind: str, label: str = "", **subject
) -> GenerationJob | None:
    """Start the `kind` document about `subject` in the language the POSTed form chose."""
    return start_from_form(
        request,
        programme,
        DocumentLanguageForm(request.POST),
        error=_("Choose a language."),
        kind=kind,
        label=label,
        **subject,
    )


def say_started(request: HttpRequest, job: GenerationJob, label: str = "") -> None:
    """Tell the user where the job stands now that it was asked for."""
    job.refresh_from_db()
    label = label or job.get_kind_display()
    if job.status == GenerationJob.Status.DONE:
        messages.success(request, _("%(job)s: done.") % {"job": label})
    elif job.status == GenerationJob.Status.QUEUED and job.sent_at is None:
        messages.warning(
            request,
            _("%(job)s: queued, waiting for the workers. It starts as soon as they are reachable.")
            % {"job": label},
        )
    else:
        # Said once, on the next page, where the job may well be done already: "started" stays
        # true, "is being generated" would not.
        messages.success(request, _("%(job)s: started.") % {"job": label})


def _subject_page(job: GenerationJob) -> tuple[str, str]:
    """A label for what the job is about and the page it is asked for from."""
    programme = job.programme
    if job.kind == Kind.BADGES:
        label = str(job.participant) if job.participant else _("All active participants")
        return label, reverse("reports:badges", args=[programme.slug])
    if job.kind == Kind.MANIFEST:
        vehicle = job.vehicle
        url = reverse("reports:manifest", args=[programme.slug, vehicle.session_id, vehicle.pk])
        return f"{vehicle.name} – {vehicle.session.title}", url
    if job.kind == Kind.TRANSFER_MANIFEST:
        run = job.transfer_run
        url = reverse("reports:transfer_manifest", args=[programme.slug, run.pk])
        return f"{run.airport_code} – {run.vehicle}", url
    if job.kind == Kind.PROGRAMME_OVERVIEW:
        return programme.title, reverse("reports:list", args=[programme.slug])
    if job.kind == Kind.VISA_LETTERS:
        label = str(job.participant) if job.participant else _("All complete delegates")
        return label, reverse("reports:visa_letters", args=[programme.slug])
    if job.kind == Kind.CLOSING_REPORT:
        return programme.title, reverse("reports:closing_report", args=[programme.slug])
    if job.kind in (Kind.NOMINATION_LIST, Kind.SELECTION_RECORD):
        label = str(job.delegation) if job.delegation else programme.title
        return label, reverse("reports:nomination_documents", args=[programme.slug])
    if job.kind in (Kind.PAYMENT_SHEET, Kind.ALLOWANCE_RECEIPT):
        label = str(job.participant) if job.participant else programme.title
        return label, reverse("reports:allowance_documents", args=[programme.slug])
    if job.kind == Kind.ROOMING_LIST:
        return job.hotel.name, reverse("reports:rooming_list", args=[programme.slug, job.hotel_id])
    if job.kind == Kind.OUTCOME_REPORT:
        url = reverse("reports:outcome_report", args=[programme.slug, job.follow_up_round_id])
        return str(job.follow_up_round), url
    return programme.title, reverse("reports:jobs", args=[programme.slug])


@login_required
@require_GET
def job_status(request: HttpRequest, job_id: UUID) -> HttpResponse:
    """One job's progress: an htmx partial while a page polls it, else a page of its own."""
    job = job_for_user(request.user, job_id)
    if request.headers.get("HX-Request"):
        response = render(request, "reports/jobs_status.html", {"job": job})
    else:
        label, back_url = _subject_page(job)
        response = render(
            request,
            "reports/jobs_status_page.html",
            {
                "programme": job.programme,
                "job": job,
                "label": label,
                "back_url": back_url,
                **polling([job]),
            },
        )
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_POST
def job_retry(request: HttpRequest, job_id: UUID) -> HttpResponse:
    job = job_for_user(request.user, job_id, roles=START_ROLES, focal_points=False)
    if retry_job(job=job):
        messages.success(request, _("%(job)s is queued again.") % {"job": job.get_kind_display()})
    else:
        messages.error(request, _("Only a failed job, or one still waiting, can be retried."))
    return redirect("reports:jobs", slug=job.programme.slug)


@login_required
@require_GET
def job_file(request: HttpRequest, job_id: UUID, output: str) -> FileResponse:
    return serve_job_file(request.user, job_id, output)


def serve_job_file(user, job_id: UUID, output: str) -> FileResponse:
    """The job's ZIP (`output` "archive"), PDF ("combined") or XLSX ("spreadsheet"), once it
    is done.

    Members of the programme whose role may not see the job get 404 as well: its files are not
    even admitted to. Side effects: a download of visa letters is recorded in the access log.
    """
    try:
        job = job_for_user(user, job_id)
    except PermissionDenied:
        raise Http404 from None
    if job.status != GenerationJob.Status.DONE:
        raise Http404
    extension = OUTPUT_EXTENSIONS[output]
    if not getattr(job, output):
        raise Http404
    response = serve_stored_file(
        getattr(job, output),
        content_type=CONTENT_TYPES[extension],
        as_attachment=True,
        filename=job.download_name(extension),
    )
    # Personal data (passport numbers, names): never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    if job.kind == Kind.VISA_LETTERS:
        # The letters' participants are the job's items.
        record_personal_data_access(
            programme=job.programme,
            by=user,
            kind=AccessKind.VISA_LETTERS_DOWNLOADED,
            participants=job.items,
            detail=job.download_name(extension),
        )
    return response


# --- Pages that ask for single documents -----------------------------------------------------


@login_required
@require_GET
def document_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=(ADMIN,))
    # Badges of one participant and manifests are listed on their own pages.
    documents = latest_jobs(
        programme.jobs.filter(kind__in=[Kind.PROGRAMME_OVERVIEW, Kind.BADGES], participant=None)
    )
    form = GenerateDocumentForm(initial={"language": page_language()})
    return render(
        request,
        "reports/document_list.html",
        {"programme": programme, "documents": documents, "form": form, **polling(documents)},
    )


@login_required
@require_POST
def document_generate(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=(ADMIN,))
    form = GenerateDocumentForm(request.POST)
    start_from_form(request, programme, form, error=_("Choose a document and a language."))
    return redirect("reports:list", slug=programme.slug)


def _badge_page(request: HttpRequest, programme: Programme) -> HttpResponse:
    participants = list(participant_list_queryset(badge_holders(programme)))
    documents = latest_jobs(programme.jobs.filter(kind=Kind.BADGES))
    by_participant: dict[int | None, list[GenerationJob]] = {}
    for document in documents:
        by_participant.setdefault(document.participant_id, []).append(document)
    language = page_language()
    return render(
        request,
        "reports/badges.html",
        {
            "programme": programme,
            "rows": [
                (participant, by_participant.get(participant.pk, []))
                for participant in participants
            ],
            "participant_count": len(participants),
            "all_documents": by_participant.get(None, []),
            "form": BadgeRequestForm(programme=programme, initial={"language": language}),
            "language": language,
            **polling(documents),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def badges(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    if request.method == "GET":
        return _badge_page(request, programme)
    form = BadgeRequestForm(request.POST, programme=programme)
    if not form.is_valid():
        messages.error(request, _("Choose an active participant and a language."))
        return redirect("reports:badges", slug=programme.slug)
    participant = form.cleaned_data["participant"]
    job = start_job(
        programme=programme,
        kind=Kind.BADGES,
        language=form.cleaned_data["language"],
        by=request.user,
        participant=participant,
    )
    if participant:
        label = _("The badge of %(name)s") % {"name": participant}
    else:
        label = _("Badges of all active participants")
    say_started(request, job, label)
    return redirect("reports:badges", slug=programme.slug)


@login_required
@require_http_methods(["GET", "POST"])
def manifest(request: HttpRequest, slug: str, pk: int, vehicle_id: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    session = get_object_or_404(programme.sessions.select_related("site"), pk=pk)
    vehicle = get_object_or_404(session.vehicles, pk=vehicle_id)

    def context() -> dict:
        passengers = manifest_passengers(vehicle)
        return {
            "session": session,
            "vehicle": vehicle,
            "passengers": passengers,
            "free_seats": vehicle.seats - len(passengers),
        }

    response = document_page(
        request,
        programme,
        kind=Kind.MANIFEST,
        subject={"vehicle": vehicle},
        label=_("The passenger manifest of %(vehicle)s") % {"vehicle": vehicle.name},
        template="reports/manifest.html",
        context=context,
    )
    # The driver's list stays at hand on the road, where the connection comes and goes.
    return keep_offline(response) if request.method == "GET" else response


def document_page(
    request: HttpRequest,
    programme: Programme,
    *,
    kind: str,
    subject: dict,
    label: str,
    template: str,
    context: Callable[[], dict],
) -> HttpResponse:
    """The page of one document about `subject` (a vehicle, a transfer run): a POST asks for
    it in a language and comes back; a GET shows its latest files with `context()`."""
    if request.method == "POST":
        start_in_language(request, programme, kind=kind, label=label, **subject)
        return redirect(request.path)
    documents = latest_jobs(programme.jobs.filter(kind=kind, **subject))
    return render(
        request,
        template,
        {
            "programme": programme,
            **context(),
            "documents": documents,
            "form": DocumentLanguageForm(initial={"language": page_language()}),
            **polling(documents),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rooming_list(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The hotel's guests, and its rooming list (PDF and XLSX) made through the pipeline."""
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    hotel = get_object_or_404(programme.hotels, pk=pk)
    hotel.programme = programme
    return document_page(
        request,
        programme,
        kind=Kind.ROOMING_LIST,
        subject={"hotel": hotel},
        label=_("The rooming list of %(hotel)s") % {"hotel": hotel.name},
        template="reports/rooming_list.html",
        context=lambda: {"hotel": hotel, "rows": rooming_rows(hotel)},
    )
