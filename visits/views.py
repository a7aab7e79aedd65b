from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from participants.models import Participant
from programs.permissions import TEAM, get_programme_for_user

from .queries import agenda_of, agenda_of_participant, group_by_local_day


@login_required
def agenda(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    days = group_by_local_day(programme, agenda_of(programme))
    return render(request, "visits/agenda.html", {"programme": programme, "days": days})


@login_required
def my_agenda(request: HttpRequest) -> HttpResponse:
    """The delegate's own agenda, for their most recent programme."""
    participant = (
        Participant.objects.filter(user=request.user)
        .select_related("programme", "country")
        .order_by("-programme__start_date")
        .first()
    )
    if participant is None:
        raise Http404
    programme = participant.programme
    days = group_by_local_day(programme, agenda_of_participant(participant))
    return render(
        request,
        "visits/my_agenda.html",
        {"programme": programme, "participant": participant, "days": days},
    )


def _missing(*args, **kwargs):
    from django.http import Http404

    raise Http404


# Placeholders, replaced by the real implementation.
timetable = item_create = day_duplicate = item_detail = item_edit = item_move = _missing
item_cancel = item_delete = group_create = group_edit = group_delete = _missing
vehicle_create = vehicle_edit = vehicle_delete = material_create = _missing
material_download = material_delete = site_list = site_create = site_edit = _missing
