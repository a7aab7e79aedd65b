from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from programs.permissions import TEAM, get_programme_for_user

from .queries import countries_represented, counts_by_category, participants_of


@login_required
def participant_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    return render(
        request,
        "participants/participant_list.html",
        {
            "programme": programme,
            "participants": participants_of(programme),
            "category_counts": counts_by_category(programme),
            "country_count": countries_represented(programme),
        },
    )


def _missing(*args, **kwargs):
    from django.http import Http404

    raise Http404


# Placeholders, replaced by the real implementation.
dashboard = participant_create = participant_detail = participant_edit = _missing
participant_status = participant_photo = _missing
