"""Batch jobs (all certificates, the closing report, visa letters): start, follow, download.

Admins start and retry jobs; organisers of the programme may follow them and download the
results. Files are served only through these views, from the storage API.
"""

from functools import cache
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms.models import construct_instance
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from participants.roles import get_roles
from programs.models import Programme
from programs.permissions import ADMIN, MANAGERS, get_programme_for_user

from .agenda_pdf import agenda_file_name, render_agenda_pdf
from .certificate_forms import StartJobForm
from .closing import closing_report_of
from .closing_forms import ClosingReportForm, DocumentLanguageForm, QuoteFormSet
from .jobs import retry_job, start_job
from .models import ClosingReport, GenerationJob, Quote
from .visa import (
    has_passport_details,
    letter_file_name,
    missing_passport_details,
    render_visa_letter,
    visa_delegates,
    visa_letter_rows,
)

# The newest jobs of a programme shown on its page; older ones only matter as history.
JOBS_SHOWN = 50


@cache
def htmx_available() -> bool:
    """Whether htmx is vendored; without it the page reloads itself while a job is pending."""
    return finders.find("js/htmx.min.js") is not None


def _job_for(user, job_id: UUID, *, roles=MANAGERS, hide: bool = False) -> GenerationJob:
    """The job if `user` holds one of `roles` in its programme; 404 for outsiders, 403 for
    members without the role (404 as well when `hide`: files are not even admitted to)."""
    job = GenerationJob.objects.select_related("programme", "started_by").filter(pk=job_id).first()
    if job is None:
        raise Http404
    try:
        job.programme = get_programme_for_user(user, job.programme.slug, roles=roles)
    except PermissionDenied:
        if hide:
            raise Http404 from None
        raise
    return job


def _polling(jobs: list[GenerationJob]) -> dict:
    return {"any_pending": any(job.is_pending for job in jobs), "htmx": htmx_available()}


@login_required
@require_GET
def jobs(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    job_list = list(programme.jobs.select_related("started_by")[:JOBS_SHOWN])
    return render(
        request,
        "reports/jobs.html",
        {
            "programme": programme,
            "jobs": job_list,
            "form": StartJobForm(initial={"language": request.LANGUAGE_CODE}),
            "can_start": programme.user_role == ADMIN,
            **_polling(job_list),
        },
    )


@login_required
@require_POST
def job_start(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=(ADMIN,))
    form = StartJobForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a batch and a language."))
        return redirect("reports:jobs", slug=programme.slug)
    job = start_job(
        programme=programme,
        kind=form.cleaned_data["kind"],
        language=form.cleaned_data["language"],
        by=request.user,
    )
    job.refresh_from_db()
    label = job.get_kind_display()
    if job.status == GenerationJob.Status.DONE:
        messages.success(request, _("%(job)s: done.") % {"job": label})
    elif job.status == GenerationJob.Status.QUEUED and job.sent_at is None:
        messages.warning(
            request,
            _("%(job)s: queued, waiting for the workers. It starts as soon as they are reachable.")
            % {"job": label},
        )
    else:
        messages.success(request, _("%(job)s is being generated.") % {"job": label})
    return redirect("reports:jobs", slug=programme.slug)


def _start_in_chosen_language(request: HttpRequest, programme, kind: str) -> None:
    """Start the `kind` job in the language the POST chose, and say so (or what is missing)."""
    language_form = DocumentLanguageForm(request.POST)
    if not language_form.is_valid():
        messages.error(request, _("Choose a language."))
        return
    job = start_job(
        programme=programme,
        kind=kind,
        language=language_form.cleaned_data["language"],
        by=request.user,
    )
    messages.success(request, _("%(job)s is being generated.") % {"job": job.get_kind_display()})


@login_required
@require_GET
def job_status(request: HttpRequest, job_id: UUID) -> HttpResponse:
    """One job's progress: an htmx partial while a page polls it, else a page of its own."""
    job = _job_for(request.user, job_id)
    if request.headers.get("HX-Request"):
        return render(request, "reports/jobs_status.html", {"job": job})
    return render(
        request,
        "reports/jobs_status_page.html",
        {"programme": job.programme, "job": job, **_polling([job])},
    )


@login_required
@require_POST
def job_retry(request: HttpRequest, job_id: UUID) -> HttpResponse:
    job = _job_for(request.user, job_id, roles=(ADMIN,))
    if retry_job(job=job):
        messages.success(request, _("%(job)s is queued again.") % {"job": job.get_kind_display()})
    else:
        messages.error(request, _("Only a failed job, or one still waiting, can be retried."))
    return redirect("reports:jobs", slug=job.programme.slug)


def _job_file(request: HttpRequest, job_id: UUID, field_name: str, extension: str):
    job = _job_for(request.user, job_id, hide=True)
    field = getattr(job, field_name)
    if job.status != GenerationJob.Status.DONE or not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    name = f"{job.programme.slug}-{job.kind.replace('_', '-')}-{job.language}.{extension}"
    content_type = "application/zip" if extension == "zip" else "application/pdf"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)


@login_required
@require_GET
def job_archive(request: HttpRequest, job_id: UUID) -> FileResponse:
    return _job_file(request, job_id, "archive", "zip")


@login_required
@require_GET
def job_combined(request: HttpRequest, job_id: UUID) -> FileResponse:
    return _job_file(request, job_id, "combined", "pdf")


# --- Closing report, visa letters, the delegate's agenda PDF ----------------------------------


def _page_language(request: HttpRequest) -> str:
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Personal data (passport numbers, a delegate's whereabouts): never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


def _latest_job(programme: Programme, kind: str) -> GenerationJob | None:
    return programme.jobs.filter(kind=kind).select_related("started_by").first()


def _next_quote_position(report: ClosingReport) -> int:
    if report.pk is None:
        return 0
    last = report.quotes.order_by("-position").values_list("position", flat=True).first()
    return 0 if last is None else last + 1


@login_required
@require_http_methods(["GET", "POST"])
def closing_report(request: HttpRequest, slug: str) -> HttpResponse:
    """Organisers write the report's summary, outcomes, credits and quotes; admins generate it.

    A POST with `generate` starts the closing-report job (admins only); any other POST saves
    the texts and the quotes together.
    """
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    report = closing_report_of(programme)
    if request.method == "POST" and "generate" in request.POST:
        if programme.user_role != ADMIN:
            raise PermissionDenied
        _start_in_chosen_language(request, programme, GenerationJob.Kind.CLOSING_REPORT)
        return redirect("reports:closing_report", slug=programme.slug)

    initial_quote = [{"position": _next_quote_position(report)}]
    if request.method == "POST":
        form = ClosingReportForm(request.POST, instance=report)
        quotes = QuoteFormSet(request.POST, instance=report, prefix="quotes", initial=initial_quote)
        if form.is_valid() and quotes.is_valid():
            with transaction.atomic():
                if report.pk is None:
                    # Another organiser may have saved the first report meanwhile: one report
                    # per programme, so write into theirs rather than fail on the constraint.
                    report, _created = ClosingReport.objects.get_or_create(programme=programme)
                report = construct_instance(form, report)
                report.save()
                quotes.instance = report
                quotes.save()
            messages.success(request, _("The closing report has been saved."))
            return redirect("reports:closing_report", slug=programme.slug)
        messages.error(request, _("Please correct the errors below."))
    else:
        form = ClosingReportForm(instance=report)
        quotes = QuoteFormSet(instance=report, prefix="quotes", initial=initial_quote)
    job = _latest_job(programme, GenerationJob.Kind.CLOSING_REPORT)
    return render(
        request,
        "reports/closing_report.html",
        {
            "programme": programme,
            "form": form,
            "quotes": quotes,
            "report": report,
            "job": job,
            "can_generate": programme.user_role == ADMIN,
            "language_form": DocumentLanguageForm(initial={"language": _page_language(request)}),
            **_polling([job] if job else []),
        },
    )


@login_required
@require_POST
def quote_delete(request: HttpRequest, slug: str, quote_id: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    quote = Quote.objects.filter(pk=quote_id, report__programme=programme).first()
    if quote is None:
        raise Http404
    quote.delete()
    messages.success(request, _("The quote has been removed."))
    return redirect("reports:closing_report", slug=programme.slug)


@login_required
@require_http_methods(["GET", "POST"])
def visa_letters(request: HttpRequest, slug: str) -> HttpResponse:
    """International delegates with their passport details and their visa support letters.

    `?participant=<id>` downloads one delegate's letter, rendered at once (one page); a POST
    starts the job that renders every complete delegate's letter. Organisers and admins only:
    the page and the letters show passport numbers.
    """
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    if request.method == "POST":
        _start_in_chosen_language(request, programme, GenerationJob.Kind.VISA_LETTERS)
        return redirect("reports:visa_letters", slug=programme.slug)

    if "participant" in request.GET:
        participant_id = request.GET["participant"]
        participant = (
            visa_delegates(programme).filter(pk=participant_id).first()
            if participant_id.isdigit()
            else None
        )
        if participant is None:
            raise Http404
        if not has_passport_details(participant):
            messages.error(
                request,
                _("The letter of %(name)s needs: %(missing)s.")
                % {
                    "name": participant.display_name,
                    "missing": ", ".join(missing_passport_details(participant)),
                },
            )
            return redirect("reports:visa_letters", slug=programme.slug)
        language = request.GET.get("language", "")
        if language not in dict(settings.LANGUAGES):
            language = _page_language(request)
        participant.programme = programme
        pdf = render_visa_letter(participant, language=language)
        return _pdf_response(pdf, letter_file_name(participant))

    rows = visa_letter_rows(programme)
    job = _latest_job(programme, GenerationJob.Kind.VISA_LETTERS)
    return render(
        request,
        "reports/visa_letters.html",
        {
            "programme": programme,
            "rows": rows,
            "complete_count": sum(1 for row in rows if row.is_complete),
            "job": job,
            "language": _page_language(request),
            "language_form": DocumentLanguageForm(initial={"language": _page_language(request)}),
            **_polling([job] if job else []),
        },
    )


@login_required
@require_GET
def my_agenda_pdf(request: HttpRequest) -> HttpResponse:
    """The signed-in delegate's own agenda as a PDF; 404 for anyone who takes part in nothing.

    `?programme=<slug>` picks among the delegate's own programmes, never anyone else's.
    """
    participations = get_roles(request).participations
    slug = request.GET.get("programme")
    if slug:
        participations = [p for p in participations if p.programme.slug == slug]
    if not participations:
        raise Http404
    participant = participations[0]
    pdf = render_agenda_pdf(participant, language=_page_language(request))
    return _pdf_response(pdf, agenda_file_name(participant))
