"""The focal points of a delegation: who nominates its candidates, invited by the organisers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import FocalPointForm
from .models import Delegation, Programme
from .permissions import MANAGERS, get_programme_for_user
from .services import invite_focal_point, remove_focal_point


def _delegation_of(programme: Programme, pk: int) -> Delegation:
    return get_object_or_404(programme.delegations.select_related("country", "province"), pk=pk)


@login_required
def focal_points(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The delegation's focal points, and the form that invites one more."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    delegation = _delegation_of(programme, pk)
    form = FocalPointForm(request.POST if request.method == "POST" else None, delegation=delegation)
    if request.method == "POST" and form.is_valid():
        added = form.added(
            lambda: invite_focal_point(
                delegation=delegation,
                email=form.cleaned_data["email"],
                by=request.user,
                sign_in_url=request.build_absolute_uri(reverse("account_login")),
            )
        )
        if added:
            focal_point, created = added
            if created:
                text = _(
                    "An account was created for %(email)s, now a focal point of "
                    "%(delegation)s; they have been e-mailed how to sign in."
                )
            else:
                text = _(
                    "%(email)s is now a focal point of %(delegation)s; they have been told "
                    "by e-mail."
                )
            messages.success(
                request,
                text % {"email": focal_point.user.email, "delegation": delegation.origin},
            )
            return redirect("programs:focal_points", slug=programme.slug, pk=delegation.pk)
    return render(
        request,
        "programs/focal_points.html",
        {
            "programme": programme,
            "delegation": delegation,
            "focal_points": delegation.focal_points.select_related("user", "invited_by").order_by(
                "invited_at", "pk"
            ),
            "form": form,
        },
    )


@login_required
@require_POST
def focal_point_remove(
    request: HttpRequest, slug: str, pk: int, focal_point_id: int
) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    delegation = _delegation_of(programme, pk)
    focal_point = get_object_or_404(
        delegation.focal_points.select_related("user"), pk=focal_point_id
    )
    remove_focal_point(focal_point=focal_point)
    messages.success(
        request,
        _("%(person)s is no longer a focal point of %(delegation)s.")
        % {"person": focal_point.user, "delegation": delegation.origin},
    )
    return redirect("programs:focal_points", slug=programme.slug, pk=delegation.pk)
