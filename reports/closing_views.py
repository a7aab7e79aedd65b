"""The closing report and the visa support letters (organisers), and a delegate's own agenda."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from participants.access import get_participation_for_user
from participants.access_log import Kind as AccessKind
from participants.access_log import record_personal_data_access
from participants.visas import record_letters_sent
from programs.confirmation import confirmation_page
from programs.models import Programme
from programs.permissions import ADMIN, MANAGERS, get_programme_for_user

from .agenda_pdf import agenda_file_name, render_agenda_pdf
from .closing import closing_report_of
from .closing_forms import ClosingReportForm, QuoteFormSet
from .forms import DocumentLanguageForm
from .models import ClosingReport, GenerationJob, Quote
from .queries import latest_jobs
from .services import save_closing_report
from .views import page_language, polling, start_from_form
from .visa import (
    addressee,
    has_passport_details,
    host_country_of,
    letter_recipients,
    missing_passport_details,
    programme_has_ended,
    visa_delegates,
    visa_letter_rows,
)

Kind = GenerationJob.Kind


# --- Closing report, visa letters, the delegate's agenda PDF ----------------------------------


def _latest_job(programme: Programme, kind: str) -> GenerationJob | None:
    return programme.jobs.filter(kind=kind, participant=None).select_related("started_by").first()


def _start_in_chosen_language(
    request: HttpRequest, programme, kind: str, **subject
) -> GenerationJob | None:
    form = DocumentLanguageForm(request.POST)
    return start_from_form(
        request, programme, form, error=_("Choose a language."), kind=kind, **subject
    )


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
        _start_in_chosen_language(request, programme, Kind.CLOSING_REPORT)
        return redirect("reports:closing_report", slug=programme.slug)

    initial_quote = [{"position": _next_quote_position(report)}]
    if request.method == "POST":
        form = ClosingReportForm(request.POST, instance=report)
        quotes = QuoteFormSet(request.POST, instance=report, prefix="quotes", initial=initial_quote)
        if form.is_valid() and quotes.is_valid():
            save_closing_report(programme=programme, form=form, quotes=quotes)
            messages.success(request, _("The closing report has been saved."))
            return redirect("reports:closing_report", slug=programme.slug)
        messages.error(request, _("Please correct the errors below."))
    else:
        form = ClosingReportForm(instance=report)
        quotes = QuoteFormSet(instance=report, prefix="quotes", initial=initial_quote)
    job = _latest_job(programme, Kind.CLOSING_REPORT)
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
            "language_form": DocumentLanguageForm(initial={"language": page_language()}),
            **polling([job] if job else []),
        },
    )


@login_required
@require_POST
def quote_delete(request: HttpRequest, slug: str, quote_id: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    quote = Quote.objects.filter(pk=quote_id, report__programme=programme).first()
    if quote is None:
        raise Http404
    asking = confirmation_page(
        request,
        question=_("Remove the quote of %(speaker)s?") % {"speaker": quote.speaker},
        consequence=_("The closing report will no longer show it."),
        action=_("Remove this quote"),
        cancel_url=reverse("reports:closing_report", args=[programme.slug]),
    )
    if asking:
        return asking
    quote.delete()
    messages.success(request, _("The quote has been removed."))
    return redirect("reports:closing_report", slug=programme.slug)


@login_required
@require_http_methods(["GET", "POST"])
def visa_letters(request: HttpRequest, slug: str) -> HttpResponse:
    """International delegates with their passport details and their visa support letters.

    A POST starts the job that renders every complete delegate's letter or, with `participant`,
    that delegate's letter alone. Organisers and admins only: the page and the letters show
    passport numbers. Once the programme is over, the page warns and a request asks for
    confirmation first.
    """
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    if request.method == "POST":
        participant = None
        if "participant" in request.POST:
            participant = _delegate_or_404(programme, request.POST["participant"])
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
        if programme_has_ended(programme):
            # Asked, not refused: a letter after the last day cannot serve a visa application
            # for the programme, but organisers still need one now and then (a delegate
            # extending a stay, a consulate or an auditor asking for a copy).
            asking = confirmation_page(
                request,
                question=_("The programme is over: generate visa support letters anyway?"),
                consequence=_(
                    "The programme's last day was %(day)s. The letters invite delegates to dates "
                    "that have passed; an embassy will not issue a visa for them."
                )
                % {"day": date_format(programme.end_date, "j F Y")},
                action=_("Generate the letters anyway"),
                cancel_url=reverse("reports:visa_letters", args=[programme.slug]),
                cancel=_("Cancel"),
            )
            if asking:
                return asking
        record_personal_data_access(
            programme=programme,
            by=request.user,
            kind=AccessKind.VISA_LETTERS_REQUESTED,
            participants=[participant] if participant else [],
            detail="" if participant else _("All delegates with complete passport details"),
        )
        job = _start_in_chosen_language(
            request, programme, Kind.VISA_LETTERS, participant=participant
        )
        if job is not None:
            # Their visas, where nothing was recorded yet, now wait on the letter.
            record_letters_sent(
                letter_recipients(programme, participant.pk if participant else None),
                by=request.user,
            )
        return redirect("reports:visa_letters", slug=programme.slug)

    rows = visa_letter_rows(programme)
    record_personal_data_access(
        programme=programme,
        by=request.user,
        kind=AccessKind.VISA_LETTER_LIST,
        participants=[row.participant for row in rows],
    )
    job = _latest_job(programme, Kind.VISA_LETTERS)
    letters = latest_jobs(programme.jobs.filter(kind=Kind.VISA_LETTERS, participant__isnull=False))
    by_participant: dict[int, list[GenerationJob]] = {}
    for letter in letters:
        by_participant.setdefault(letter.participant_id, []).append(letter)
    return render(
        request,
        "reports/visa_letters.html",
        {
            "programme": programme,
            "rows": [(row, by_participant.get(row.participant.pk, [])) for row in rows],
            "complete_count": sum(1 for row in rows if row.is_complete),
            "addressee": addressee(host_country_of(programme), None),
            "has_ended": programme_has_ended(programme),
            "job": job,
            "language": page_language(),
            "language_form": DocumentLanguageForm(initial={"language": page_language()}),
            **polling(([job] if job else []) + letters),
        },
    )


def _delegate_or_404(programme: Programme, participant_id: str):
    delegates = visa_delegates(programme)
    participant = delegates.filter(pk=participant_id).first() if participant_id.isdigit() else None
    if participant is None:
        raise Http404
    return participant


@login_required
@require_GET
def my_agenda_pdf(request: HttpRequest) -> HttpResponse:
    """The signed-in delegate's own agenda as a PDF; 404 for anyone who takes part in nothing.

    `?programme=<slug>` picks among the delegate's own programmes, never anyone else's.
    """
    participant = get_participation_for_user(request)
    pdf = render_agenda_pdf(participant, language=page_language())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{agenda_file_name(participant)}"'
    # A delegate's whereabouts: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response
