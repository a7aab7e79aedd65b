from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static

from participants.roles import get_roles
from programs.permissions import can_create_programmes
from programs.queries import programmes_for_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's start page: the programmes they work on and those they attend.

    Archived programmes are left out unless `?archived=1` asks for them.
    """
    roles = get_roles(request)
    role_by_programme = {m.programme_id: m.get_role_display() for m in roles.memberships}
    show_archived = request.GET.get("archived") == "1"
    # One query for all of them: the archived ones are counted for the "show" link.
    programmes = list(programmes_for_user(request.user))
    archived_count = sum(programme.is_archived for programme in programmes)
    if not show_archived:
        programmes = [programme for programme in programmes if not programme.is_archived]
    for programme in programmes:
        programme.role_label = role_by_programme.get(programme.pk, "")
    # A delegate's account often has no name of its own: their registration has it.
    greeting_name = request.user.get_full_name()
    for participant in roles.participations:
        greeting_name = greeting_name or participant.full_name_latin or participant.full_name
    return render(
        request,
        "home.html",
        {
            "programmes": programmes,
            "participations": roles.participations,
            "focal_points": roles.focal_points,
            "greeting_name": greeting_name or request.user.email,
            "show_archived": show_archived,
            "archived_count": archived_count,
            "can_create": can_create_programmes(request.user),
        },
    )


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and feed readers ask for /favicon.ico without reading the page's links."""
    return HttpResponsePermanentRedirect(static("img/favicon.png"))
