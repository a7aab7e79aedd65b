"""Personal data: the delegate's privacy notice and consent, the organisers' access log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from programs.permissions import MANAGERS, get_programme_for_user

from .access import get_participation_for_user, programme_query
from .access_log import access_entries_of, with_participant_names
from .consent import record_consent
from .consent_forms import ConsentForm
from .roles import get_roles

ACCESS_LOG_PAGE_SIZE = 50


@login_required
@require_http_methods(["GET", "POST"])
def my_privacy(request: HttpRequest) -> HttpResponse:
    """The programme's privacy notice, readable by the delegate at any time.

    A delegate who has not accepted it yet (an organiser confirmed them before they opened
    their invitation) accepts it here.
    """
    participant = get_participation_for_user(request)
    programme = participant.programme
    form = None
    if participant.privacy_consent_at is None:
        form = ConsentForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            record_consent(
                participant=participant, photo_consent=form.cleaned_data["photo_consent"]
            )
            messages.success(request, _("Thank you: your consent has been recorded."))
            return redirect(
                reverse("participants:my_privacy") + programme_query(request, participant)
            )
    return render(
        request,
        "participants/my_privacy.html",
        {
            "participant": participant,
            "programme": programme,
            "participations": get_roles(request).participations,
            "form": form,
            "profile_url": reverse("participants:my_profile")
            + programme_query(request, participant),
        },
    )


@login_required
@require_GET
def access_log(request: HttpRequest, slug: str) -> HttpResponse:
    """Who saw or exported passport data of the programme's participants, newest first."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    page = Paginator(access_entries_of(programme), ACCESS_LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "participants/access_log.html",
        {
            "programme": programme,
            "page": page,
            "entries": with_participant_names(list(page.object_list)),
        },
    )
