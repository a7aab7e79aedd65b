"""Which participation a signed-in delegate may see: the one access rule of delegate pages."""

from urllib.parse import urlencode

from django.http import Http404, HttpRequest

from programs.models import Programme
from programs.permissions import TEAM, programme_role

from .models import Participant
from .roles import get_roles


def get_participation_for_user(request: HttpRequest, slug: str | None = None) -> Participant:
    """The signed-in user's own participant record, or 404.

    `slug` (or else `?programme=` in the query string) picks one programme when the user takes
    part in several; without either, the first (newest) is taken. Anyone who does not take part
    in the programme asked for, including organisers and admins, gets 404: a delegate page
    shows a delegate's own data only. Uses the list the navigation already loaded for this
    request, so it costs no query.
    """
    participations = get_roles(request).participations
    slug = slug or request.GET.get("programme")
    if not slug:
        if participations:
            return participations[0]
        raise Http404
    for participant in participations:
        if participant.programme.slug == slug:
            return participant
    raise Http404


def programme_query(request: HttpRequest, participant: Participant, **extra: str) -> str:
    """`?programme=…` (only when the user takes part in several programmes) plus `extra`."""
    params = {}
    if len(get_roles(request).participations) > 1:
        params["programme"] = participant.programme.slug
    params.update(extra)
    return f"?{urlencode(params)}" if params else ""


def get_participant_for_team_or_self(request: HttpRequest, slug: str, pk: int) -> Participant:
    """Participant `pk` of programme `slug` for its team and for the participant; else 404.

    Delegates are not team members, so the programme is not fetched through
    `get_programme_for_user`: everyone who may not see the participant gets the same 404,
    whether the programme or the participant exists or not.
    """
    for participant in get_roles(request).participations:
        if participant.pk == pk and participant.programme.slug == slug:
            return participant
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None or programme_role(request.user, programme) not in TEAM:
        raise Http404
    participant = programme.participants.filter(pk=pk).first()
    if participant is None:
        raise Http404
    return participant
