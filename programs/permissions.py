"""Who may see and do what in a programme.

Admins (superusers) may do everything. Organisers and staff are members of one programme with
that role. Outsiders get 404 (they must not learn that a programme exists); members whose role
does not allow an action get 403.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Programme, ProgrammeMembership

ADMIN = "admin"
ORGANISER = ProgrammeMembership.Role.ORGANISER
STAFF = ProgrammeMembership.Role.STAFF
MANAGERS = (ADMIN, ORGANISER)
TEAM = (ADMIN, ORGANISER, STAFF)


def programme_role(user, programme: Programme) -> str | None:
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return ADMIN
    membership = (
        ProgrammeMembership.objects.filter(programme=programme, user=user).only("role").first()
    )
    return membership.role if membership else None


def get_programme_for_user(user, slug: str, roles: Iterable[str] = TEAM) -> Programme:
    """The programme with this slug if `user` holds one of `roles` in it.

    Raises Http404 for outsiders and PermissionDenied for members with another role. The role
    is stored on the programme as `user_role` for the template.
    """
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        raise Http404
    role = programme_role(user, programme)
    if role is None:
        raise Http404
    if role not in roles:
        raise PermissionDenied
    programme.user_role = role
    return programme


ADD_PROGRAMME_PERMISSION = "programs.add_programme"
# Admins let someone create programmes by adding them to this group (made by a migration).
PROGRAMME_OFFICE_GROUP = "Programme office"


def can_create_programmes(user) -> bool:
    # Superusers hold every permission, so this covers admins too.
    return user.is_authenticated and user.has_perm(ADD_PROGRAMME_PERMISSION)
