from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from programs.queries import programmes_for_user

from .roles import get_roles


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's start page: the programmes they work on and those they attend."""
    roles = get_roles(request)
    role_by_programme = {m.programme_id: m.get_role_display() for m in roles.memberships}
    programmes = list(programmes_for_user(request.user))
    for programme in programmes:
        programme.role_label = role_by_programme.get(programme.pk, "")
    return render(
        request,
        "home.html",
        {"programmes": programmes, "participations": roles.participations},
    )
