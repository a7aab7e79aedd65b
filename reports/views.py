from collections import defaultdict
from functools import cache
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from participants.queries import active_participants
from programs.models import Programme
from programs.permissions import ADMIN, TEAM, get_programme_for_user
from visits.models import Vehicle

from .forms import BadgeRequestForm, DocumentLanguageForm, GenerateDocumentForm
from .models import Document
from .services import (
    PARTICIPANT_SUBJECT,
    VEHICLE_SUBJECT,
    manifest_passengers,
    participant_subject,
    request_document,
    subject_id,
    vehicle_subject,
)

# Who may see and download each kind: the overview holds every participant's data and stays
# with admins; badges and manifests are working papers of the whole programme team.
DOCUMENT_ROLES: dict[str, tuple[str, ...]] = {
    Document.Kind.PROGRAMME_OVERVIEW: (ADMIN,),
    Document.Kind.BADGES: TEAM,
    Document.Kind.MANIFEST: TEAM,
}
HTMX_SCRIPT = "js/htmx.min.js"


@cache
def htmx_available() -> bool:
    """Whether htmx is vendored; without it pages fall back to a meta refresh while polling."""
    return finders.find(HTMX_SCRIPT) is not None


def _polling(documents) -> dict:
    return {
        "any_pending": any(document.is_pending for document in documents),
        "htmx": htmx_available(),
    }


def _current_language() -> str:
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


@login_required
def document_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=(ADMIN,))
    # Badges of one participant and manifests are listed on their own pages.
    documents = list(programme.documents.filter(subject="").select_related("requested_by"))
    form = GenerateDocumentForm(initial={"language": _current_language()})
    return render(
        request,
        "reports/document_list.html",
        {"programme": programme, "documents": documents, "form": form, **_polling(documents)},
    )


@login_required
@require_POST
def document_generate(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=(ADMIN,))
    form = GenerateDocumentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a document and a language."))
        return redirect("reports:list", slug=programme.slug)
    document = request_document(
        programme=programme,
        kind=form.cleaned_data["kind"],
        language=form.cleaned_data["language"],
        user=request.user,
    )
    messages.success(
        request, _("%(document)s is being generated.") % {"document": document.get_kind_display()}
    )
    return redirect("reports:list", slug=programme.slug)


def _document_for_user(user, document_id: UUID) -> Document:
    """The document if `user` holds a role that may see its kind (404 / 403 otherwise)."""
    document = Document.objects.select_related("programme").filter(pk=document_id).first()
    if document is None:
        raise Http404
    document.programme = get_programme_for_user(
        user, document.programme.slug, roles=DOCUMENT_ROLES.get(document.kind, (ADMIN,))
    )
    return document


@login_required
def document_download(request: HttpRequest, document_id: UUID) -> FileResponse:
    document = _document_for_user(request.user, document_id)
    if document.status != Document.Status.DONE or not document.file:
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.download_name,
        content_type="application/pdf",
    )


def _subject_page(document: Document) -> tuple[str, str]:
    """A label for what the document is about and the page it is requested from."""
    programme = document.programme
    if document.kind == Document.Kind.BADGES:
        url = reverse("reports:badges", args=[programme.slug])
        participant_id = subject_id(document.subject, PARTICIPANT_SUBJECT)
        if participant_id is None:
            return _("All active participants"), url
        participant = programme.participants.filter(pk=participant_id).first()
        return (str(participant) if participant else _("A former participant")), url
    if document.kind == Document.Kind.MANIFEST:
        vehicle = (
            Vehicle.objects.select_related("session")
            .filter(pk=subject_id(document.subject, VEHICLE_SUBJECT), session__programme=programme)
            .first()
        )
        if vehicle is None:
            return _("A removed vehicle"), reverse("visits:timetable", args=[programme.slug])
        url = reverse("reports:manifest", args=[programme.slug, vehicle.session_id, vehicle.pk])
        return f"{vehicle.name} – {vehicle.session.title}", url
    return programme.title, reverse("reports:list", args=[programme.slug])


@login_required
def document_status(request: HttpRequest, document_id: UUID) -> HttpResponse:
    """One document's state: an htmx partial while a page polls it, else a page of its own."""
    document = _document_for_user(request.user, document_id)
    if request.headers.get("HX-Request"):
        response = render(request, "reports/document_status.html", {"document": document})
        patch_vary_headers(response, ["HX-Request"])
        return response
    label, back_url = _subject_page(document)
    response = render(
        request,
        "reports/document_status_page.html",
        {
            "programme": document.programme,
            "document": document,
            "label": label,
            "back_url": back_url,
            **_polling([document]),
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


def _badge_page(request: HttpRequest, programme: Programme) -> HttpResponse:
    participants = list(
        active_participants(programme)
        .select_related("country", "province")
        .only(
            "id",
            "programme_id",
            "category",
            "status",
            "full_name",
            "full_name_latin",
            "certificate_name",
            "region",
            "country__id",
            "country__country",
            "province__id",
            "province__name",
        )
    )
    documents = list(
        programme.documents.filter(kind=Document.Kind.BADGES).select_related("requested_by")
    )
    by_subject: dict[str, list[Document]] = defaultdict(list)
    for document in documents:
        by_subject[document.subject].append(document)
    rows = [
        (participant, by_subject.get(participant_subject(participant.pk), []))
        for participant in participants
    ]
    language = _current_language()
    return render(
        request,
        "reports/badges.html",
        {
            "programme": programme,
            "rows": rows,
            "participant_count": len(participants),
            "all_documents": by_subject.get("", []),
            "form": BadgeRequestForm(programme=programme, initial={"language": language}),
            "language": language,
            **_polling(documents),
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
    request_document(
        programme=programme,
        kind=Document.Kind.BADGES,
        language=form.cleaned_data["language"],
        user=request.user,
        subject=participant_subject(participant.pk) if participant else "",
    )
    if participant:
        message = _("The badge of %(name)s is being generated.") % {"name": participant}
    else:
        message = _("Badges of all active participants are being generated.")
    messages.success(request, message)
    return redirect("reports:badges", slug=programme.slug)


@login_required
@require_http_methods(["GET", "POST"])
def manifest(request: HttpRequest, slug: str, pk: int, vehicle_id: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    session = get_object_or_404(programme.sessions.select_related("site"), pk=pk)
    vehicle = get_object_or_404(session.vehicles, pk=vehicle_id)
    subject = vehicle_subject(vehicle.pk)
    if request.method == "POST":
        form = DocumentLanguageForm(request.POST)
        if form.is_valid():
            request_document(
                programme=programme,
                kind=Document.Kind.MANIFEST,
                language=form.cleaned_data["language"],
                user=request.user,
                subject=subject,
            )
            messages.success(
                request,
                _("The passenger manifest of %(vehicle)s is being generated.")
                % {"vehicle": vehicle.name},
            )
        else:
            messages.error(request, _("Choose a language."))
        return redirect(
            "reports:manifest", slug=programme.slug, pk=session.pk, vehicle_id=vehicle.pk
        )
    documents = list(
        programme.documents.filter(kind=Document.Kind.MANIFEST, subject=subject).select_related(
            "requested_by"
        )
    )
    passengers = manifest_passengers(vehicle)
    return render(
        request,
        "reports/manifest.html",
        {
            "programme": programme,
            "session": session,
            "vehicle": vehicle,
            "passengers": passengers,
            "free_seats": vehicle.seats - len(passengers),
            "documents": documents,
            "form": DocumentLanguageForm(initial={"language": _current_language()}),
            **_polling(documents),
        },
    )
