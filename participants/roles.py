"""Roles of the signed-in user across the whole site: navigation and the MFA requirement."""

from functools import cached_property

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from programs.models import FocalPoint, ProgrammeMembership

from .models import Participant

# Built once and filtered per request: every page of a signed-in delegate reads it.
_PARTICIPATIONS = Participant.objects.select_related("programme").order_by("-programme__start_date")


class UserRoles:
    """What one user is, computed once per request with at most two queries."""

    def __init__(self, user) -> None:
        self.user = user

    @cached_property
    def memberships(self) -> list[ProgrammeMembership]:
        """The user's roles in programmes, in no particular order (the programmes not loaded)."""
        if not self.user.is_authenticated:
            return []
        return list(ProgrammeMembership.objects.filter(user=self.user))

    @cached_property
    def participations(self) -> list[Participant]:
        """The user's participant records with their programmes, the newest programme first."""
        if not self.user.is_authenticated:
            return []
        return list(_PARTICIPATIONS.filter(user_id=self.user.pk))

    @cached_property
    def focal_points(self) -> list[FocalPoint]:
        """The delegations the user nominates for, with their programmes (one query, only
        when asked: most pages never ask)."""
        if not self.user.is_authenticated:
            return []
        return list(
            FocalPoint.objects.filter(user=self.user)
            .select_related("delegation__programme", "delegation__country", "delegation__province")
            .order_by("-delegation__programme__start_date", "delegation_id")
        )

    @property
    def is_focal_point(self) -> bool:
        return bool(self.focal_points)

    @property
    def is_admin(self) -> bool:
        return self.user.is_authenticated and self.user.is_superuser

    @property
    def is_organiser(self) -> bool:
        return any(m.role == ProgrammeMembership.Role.ORGANISER for m in self.memberships)

    @property
    def is_staff_member(self) -> bool:
        return any(m.role == ProgrammeMembership.Role.STAFF for m in self.memberships)

    @property
    def is_delegate(self) -> bool:
        return bool(self.participations)

    @property
    def works_on_programmes(self) -> bool:
        return self.is_admin or bool(self.memberships)


def get_roles(request: HttpRequest) -> UserRoles:
    if not hasattr(request, "_tpbis_roles"):
        request._tpbis_roles = UserRoles(request.user)
    return request._tpbis_roles


def navigation(request: HttpRequest) -> dict:
    return {"roles": get_roles(request)}


class RequireMFAMiddleware:
    """Sends admins and organisers without a second factor to enrol one, when required."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.REQUIRE_MFA_FOR_PRIVILEGED
            and request.user.is_authenticated
            and not self._exempt(request.path)
        ):
            roles = get_roles(request)
            if (roles.is_admin or roles.is_organiser) and not is_mfa_enabled(request.user):
                return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        # Enrolling, logging out and switching language must stay reachable.
        return path.startswith(("/accounts/", "/i18n/", "/static/"))
