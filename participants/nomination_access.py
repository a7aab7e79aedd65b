"""Who may see a call for nominations and its nominations: the one access rule of those pages.

Organisers and admins of the programme see every delegation's nominations. A focal point sees
the call and the nominations of the delegations they nominate for, nothing else. Everyone else,
staff included, gets 404 for a nomination (its documents and personal details are for the
host's selection only); staff asking for the call get 403, as for other managers' pages.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from programs.models import Delegation, Programme
from programs.permissions import MANAGERS, TEAM, programme_role

from .nomination_models import Nomination, NominationCall
from .roles import get_roles


@dataclass
class CallAccess:
    """The programme and its call as one user may see them."""

    programme: Programme
    call: NominationCall | None
    is_manager: bool
    # The delegations whose nominations the user sees: all of them for managers.
    delegations: list[Delegation]

    @property
    def delegation_ids(self) -> list[int]:
        return [delegation.pk for delegation in self.delegations]

    def nominations(self) -> QuerySet[Nomination]:
        """The nominations the user may see, with what the lists show."""
        queryset = Nomination.objects.filter(call=self.call).select_related(
            "delegation__country", "delegation__province"
        )
        if self.is_manager:
            return queryset
        return queryset.filter(delegation_id__in=self.delegation_ids)


def get_call_for_user(request: HttpRequest, slug: str) -> CallAccess:
    """The programme `slug` and its call for managers and its focal points; else 404 (403 for
    staff). The call is None while none has been opened."""
    programme = Programme.objects.filter(slug=slug).select_related("nomination_call").first()
    if programme is None:
        raise Http404
    call = getattr(programme, "nomination_call", None)
    role = programme_role(request.user, programme)
    if role in MANAGERS:
        programme.user_role = role
        return CallAccess(programme, call, True, list(programme.delegations.all()))
    delegations = [
        focal_point.delegation
        for focal_point in get_roles(request).focal_points
        if focal_point.delegation.programme_id == programme.pk
    ]
    if delegations:
        return CallAccess(programme, call, False, delegations)
    if role in TEAM:
        raise PermissionDenied
    raise Http404


def get_nomination_for_user(request: HttpRequest, slug: str, pk: int) -> Nomination:
    """Nomination `pk` of programme `slug` for its managers and its delegation's focal points.

    Anyone else gets 404 whether or not it exists: a focal point editing the URL to another
    delegation's nomination learns nothing.
    """
    access = get_call_for_user_or_404(request, slug)
    nomination = access.nominations().select_related("call__programme").filter(pk=pk).first()
    if nomination is None:
        raise Http404
    return nomination


def get_call_for_user_or_404(request: HttpRequest, slug: str) -> CallAccess:
    """As `get_call_for_user`, with 404 for staff too (pages of single nominations)."""
    try:
        access = get_call_for_user(request, slug)
    except PermissionDenied:
        raise Http404 from None
    if access.call is None:
        raise Http404
    return access
