"""Who may reach what in the agenda besides the programme's team (see `programs.permissions`)."""

from django.http import Http404, HttpRequest

from participants.access import get_participation_for_user
from participants.models import Participant
from programs.models import Programme
from programs.permissions import TEAM, programme_role

from .models import SessionMaterial


def get_agenda_reader(request: HttpRequest, slug: str) -> tuple[Programme, Participant | None]:
    """The programme `slug` with the participant whose agenda is read: None for its team,
    who read the whole agenda; the signed-in delegate's own record for a delegate (as on
    their agenda page); 404 for everyone else."""
    programme = Programme.objects.filter(slug=slug).first()
    if programme is not None and programme_role(request.user, programme) in TEAM:
        return programme, None
    participant = get_participation_for_user(request, slug)
    return participant.programme, participant


def get_material_for_user(
    request: HttpRequest, slug: str, item_id: int, material_id: int
) -> SessionMaterial:
    """The material of an item of the programme `slug`, for its team and for the delegates
    booked on the item; 404 for everyone else (and for a material that is not there)."""
    material = (
        SessionMaterial.objects.filter(
            pk=material_id, session_id=item_id, session__programme__slug=slug
        )
        .select_related("session__programme")
        .first()
    )
    if material is None:
        raise Http404
    if programme_role(request.user, material.session.programme) in TEAM:
        return material
    participant = get_participation_for_user(request, slug)
    if not participant.assignments.filter(session_id=item_id).exists():
        raise Http404
    return material
