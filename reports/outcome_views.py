"""The outcome report of a follow-up round: its page, and the PDF it asks for once closed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from participants.followup_summary import follow_up_summary
from programs.permissions import MANAGERS, get_programme_for_user

from .models import GenerationJob
from .views import document_page


@login_required
@require_http_methods(["GET", "POST"])
def outcome_report(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    round_ = get_object_or_404(programme.follow_up_rounds, pk=pk)
    round_.programme = programme
    if request.method == "POST" and not round_.is_closed:
        messages.error(request, _("The outcome report is made once the round is closed."))
        return redirect(request.path)
    return document_page(
        request,
        programme,
        kind=GenerationJob.Kind.OUTCOME_REPORT,
        subject={"follow_up_round": round_},
        label=_("The outcome report of “%(round)s”") % {"round": round_},
        template="reports/outcome_report.html",
        context=lambda: {"round": round_, "summary": follow_up_summary(round_)},
    )
