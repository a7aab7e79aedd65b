from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from programs.permissions import ADMIN, get_programme_for_user

from .forms import GenerateDocumentForm
from .models import Document
from .services import request_document


@login_required
def document_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=(ADMIN,))
    documents = list(programme.documents.select_related("requested_by"))
    form = GenerateDocumentForm(initial={"language": (get_language() or "en")[:2]})
    return render(
        request,
        "reports/document_list.html",
        {
            "programme": programme,
            "documents": documents,
            "form": form,
            "any_pending": any(d.is_pending for d in documents),
        },
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


@login_required
def document_download(request: HttpRequest, document_id) -> FileResponse:
    document = Document.objects.select_related("programme").filter(pk=document_id).first()
    if document is None:
        raise Http404
    get_programme_for_user(request.user, document.programme.slug, roles=(ADMIN,))
    if document.status != Document.Status.DONE or not document.file:
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.download_name,
        content_type="application/pdf",
    )


def _missing(*args, **kwargs):
    raise Http404


# Placeholders, replaced by the real implementation.
badges = manifest = document_status = _missing
