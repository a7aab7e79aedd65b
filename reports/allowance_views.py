"""The documents of the daily allowances: the payment sheet and the receipts to be signed.

The whole team may see and download them (staff hand allowances out at the desk); organisers
and admins ask for them.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from participants.allowances import participants_with_rates
from programs.permissions import MANAGERS, TEAM, get_programme_for_user

from .forms import DocumentLanguageForm
from .models import GenerationJob
from .queries import latest_jobs
from .views import page_language, polling, start_in_language

Kind = GenerationJob.Kind
ALLOWANCE_KINDS = (Kind.PAYMENT_SHEET, Kind.ALLOWANCE_RECEIPT)


@login_required
@require_http_methods(["GET", "POST"])
def allowance_documents(request: HttpRequest, slug: str) -> HttpResponse:
    """The payment sheet and the receipts, with their latest files.

    A POST with `kind` "payment_sheet" starts the sheet; "allowance_receipt" starts the receipts
    of everyone with an allowance, or with `participant` that participant's receipt.
    """
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    if request.method == "POST":
        if programme.user_role not in MANAGERS:
            raise PermissionDenied
        kind = request.POST.get("kind", "")
        if kind not in ALLOWANCE_KINDS:
            messages.error(request, _("Choose the payment sheet or the receipts."))
            return redirect("reports:allowance_documents", slug=programme.slug)
        participant = None
        if kind == Kind.ALLOWANCE_RECEIPT and request.POST.get("participant"):
            value = request.POST["participant"]
            participant = (
                participants_with_rates(programme).filter(pk=value).first()
                if value.isdigit()
                else None
            )
            if participant is None:
                raise Http404
        start_in_language(request, programme, kind=kind, participant=participant)
        return redirect("reports:allowance_documents", slug=programme.slug)
    documents = latest_jobs(
        programme.jobs.filter(kind__in=ALLOWANCE_KINDS).select_related("participant")
    )
    return render(
        request,
        "reports/allowance_documents.html",
        {
            "programme": programme,
            "documents": documents,
            "participants": participants_with_rates(programme)
            .select_related(None)
            .only("id", "full_name", "full_name_latin", "programme_id", "category"),
            "can_start": programme.user_role in MANAGERS,
            "language_form": DocumentLanguageForm(initial={"language": page_language()}),
            **polling(documents),
        },
    )
