"""Who may reach what in the agenda besides the programme's team (see `programs.permissions`)."""

from django.http import Http404, HttpRequest

from participants.access import get_participation_for_user
from programs.permissions import TEAM, programme_role

from .models import SessionMaterial


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
