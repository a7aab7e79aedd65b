"""The driver's manifest of an airport transfer run: its page and the PDF it asks for."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from programs.permissions import TEAM, get_programme_for_user

from .models import GenerationJob
from .transfer_manifest import transfer_passengers
from .views import document_page


@login_required
@require_http_methods(["GET", "POST"])
def transfer_manifest(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    run = get_object_or_404(programme.transfer_runs, pk=run_id)
    run.programme = programme
    return document_page(
        request,
        programme,
        kind=GenerationJob.Kind.TRANSFER_MANIFEST,
        subject={"transfer_run": run},
        label=_("The manifest of the run at %(airport)s") % {"airport": run.airport_code},
        template="reports/transfer_manifest.html",
        context=lambda: {"run": run, "passengers": transfer_passengers(run)},
    )
