"""The delegate's badge on their phone: the QR code the check-in scanner reads."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from participants.access import get_participation_for_user, programme_query
from participants.roles import get_roles
from programs.offline import keep_offline

from .badges import badge_for


@login_required
@require_GET
def my_badge(request: HttpRequest) -> HttpResponse:
    """The signed-in delegate's badge (`?programme=` picks among their programmes), kept on
    the device so it can be shown at a door without a network."""
    participant = get_participation_for_user(request)
    return keep_offline(
        render(
            request,
            "reports/my_badge.html",
            {
                "participant": participant,
                "programme": participant.programme,
                "participations": get_roles(request).participations,
                "badge": badge_for(participant),
                "query": programme_query(request, participant),
            },
        )
    )
