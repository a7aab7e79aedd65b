from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .permissions import get_programme_for_user


@login_required
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug)
    return render(request, "programs/programme_detail.html", {"programme": programme})


def _missing(*args, **kwargs):
    from django.http import Http404

    raise Http404


# Placeholders, replaced by the real implementation.
programme_create = programme_edit = programme_archive = programme_logo = _missing
team = team_remove = delegations = delegation_edit = delegation_delete = _missing
