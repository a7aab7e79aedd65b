from django.db.models import Count, QuerySet

from .models import Delegation, Programme, ProgrammeMembership


def programmes_for_user(user) -> QuerySet[Programme]:
    """The programmes a user works on: all of them for admins, their own for members."""
    if not user.is_authenticated:
        return Programme.objects.none()
    if user.is_superuser:
        return Programme.objects.all()
    return Programme.objects.filter(memberships__user=user).distinct()


def team_of(programme: Programme) -> QuerySet[ProgrammeMembership]:
    """The programme's organisers, then its staff, by name."""
    return programme.memberships.select_related("user").order_by(
        "role", "user__last_name", "user__first_name", "user__email"
    )


def delegations_of(programme: Programme) -> tuple[list[Delegation], list[Delegation]]:
    """The programme's international delegations by country name, and its domestic seats.

    One query, with each delegation's `focal_point_count`; countries are sorted here because
    the table holds ISO codes, not names.
    """
    international: list[Delegation] = []
    domestic: list[Delegation] = []
    delegations = programme.delegations.select_related("country", "province").annotate(
        focal_point_count=Count("focal_points")
    )
    for delegation in delegations:
        (domestic if delegation.is_domestic else international).append(delegation)
    international.sort(key=lambda d: str(d.country))
    domestic.sort(key=lambda d: (d.region_name.casefold(), d.locality))
    return international, domestic
