import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .confirmation import confirmation_page
from .files import serve_stored_file
from .forms import DelegationForm, ProgrammeForm, TeamMemberForm
from .models import Delegation
from .permissions import MANAGERS, TEAM, can_create_programmes, get_programme_for_user
from .queries import delegations_of, team_of
from .regions import uses_provinces
from .services import (
    add_team_member,
    create_programme,
    remove_team_member,
    set_programme_archived,
    update_programme,
)


def _posted(request: HttpRequest) -> QueryDict | None:
    # An empty POST must still be validated (and show its errors), so bind on the method.
    return request.POST if request.method == "POST" else None


def _uploaded(request: HttpRequest) -> MultiValueDict | None:
    return request.FILES if request.method == "POST" else None


@login_required
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug)
    return render(
        request,
        "programs/programme_detail.html",
        {"programme": programme, "can_manage": programme.user_role in MANAGERS},
    )


@login_required
def programme_create(request: HttpRequest) -> HttpResponse:
    if not can_create_programmes(request.user):
        raise PermissionDenied
    form = ProgrammeForm(_posted(request), _uploaded(request))
    if request.method == "POST" and form.is_valid():
        programme = create_programme(programme=form.save(commit=False), by=request.user)
        messages.success(
            request, _("%(programme)s has been created.") % {"programme": programme.short_name}
        )
        return redirect("participants:dashboard", slug=programme.slug)
    return render(request, "programs/programme_form.html", {"form": form, "programme": None})


@login_required
def programme_edit(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    # The form edits a copy: when it is invalid, the page header still shows the saved names.
    form = ProgrammeForm(_posted(request), _uploaded(request), instance=copy.copy(programme))
    if request.method == "POST" and form.is_valid():
        update_programme(programme=form.save(commit=False))
        messages.success(request, _("The programme has been saved."))
        return redirect("programs:detail", slug=programme.slug)
    return render(request, "programs/programme_form.html", {"form": form, "programme": programme})


@login_required
@require_POST
def programme_archive(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    action = request.POST.get("action")
    # An explicit action keeps a repeated submit from undoing itself; without one, toggle.
    archive = action == "archive" if action in ("archive", "restore") else not programme.is_archived
    set_programme_archived(programme=programme, archived=archive)
    if archive:
        messages.success(
            request,
            _("%(programme)s is archived: it no longer appears on the start page.")
            % {"programme": programme.short_name},
        )
    else:
        messages.success(
            request, _("%(programme)s is restored.") % {"programme": programme.short_name}
        )
    return redirect("programs:detail", slug=programme.slug)


@login_required
def programme_logo(request: HttpRequest, slug: str) -> FileResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    response = serve_stored_file(programme.logo, content_type="image/jpeg")
    # Logos are only for the team: no shared caches; revalidate so that a new logo shows.
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
def team(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    form = TeamMemberForm(_posted(request), programme=programme)
    if request.method == "POST" and form.is_valid():
        added = form.added(
            lambda: add_team_member(
                programme=programme,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                sign_in_url=request.build_absolute_uri(reverse("account_login")),
            )
        )
        if added:
            membership, created = added
            if created:
                text = _(
                    "An account was created for %(email)s, who is now %(role)s; they have "
                    "been e-mailed how to sign in."
                )
            else:
                text = _("%(email)s is now %(role)s; they have been told by e-mail.")
            messages.success(
                request,
                text % {"email": membership.user.email, "role": membership.get_role_display()},
            )
            return redirect("programs:team", slug=programme.slug)
    return render(
        request,
        "programs/team.html",
        {"programme": programme, "members": team_of(programme), "form": form},
    )


@login_required
@require_POST
def team_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    membership = get_object_or_404(programme.memberships.select_related("user"), pk=pk)
    try:
        remove_team_member(membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("programs:team", slug=programme.slug)
    messages.success(
        request,
        _("%(person)s has been removed from the team.") % {"person": membership.user},
    )
    if membership.user_id == request.user.pk and not request.user.is_superuser:
        # They just left the programme: its pages are no longer theirs to see.
        return redirect("home")
    return redirect("programs:team", slug=programme.slug)


@login_required
def delegations(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    form = DelegationForm(_posted(request), programme=programme)
    if request.method == "POST" and form.is_valid():
        delegation = form.save()
        messages.success(
            request, _("The delegation of %(origin)s was added.") % {"origin": delegation.origin}
        )
        return redirect("programs:delegations", slug=programme.slug)
    international, domestic = delegations_of(programme)
    return render(
        request,
        "programs/delegations.html",
        {
            "programme": programme,
            "international": international,
            "domestic": domestic,
            "international_seats": sum(d.seats for d in international),
            "domestic_seats": sum(d.seats for d in domestic),
            "uses_provinces": uses_provinces(programme.host_country),
            "form": form,
        },
    )


def _delegation_of(programme, pk: int) -> Delegation:
    return get_object_or_404(programme.delegations.select_related("country", "province"), pk=pk)


@login_required
def delegation_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    delegation = _delegation_of(programme, pk)
    origin = delegation.origin  # for the heading, before the form changes the instance
    form = DelegationForm(_posted(request), instance=delegation, programme=programme)
    if request.method == "POST" and form.is_valid():
        delegation = form.save()
        messages.success(
            request, _("The delegation of %(origin)s was saved.") % {"origin": delegation.origin}
        )
        return redirect("programs:delegations", slug=programme.slug)
    return render(
        request,
        "programs/delegation_form.html",
        {"programme": programme, "delegation": delegation, "origin": origin, "form": form},
    )


@login_required
@require_POST
def delegation_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    delegation = _delegation_of(programme, pk)
    origin = delegation.origin
    asking = confirmation_page(
        request,
        question=_("Delete the delegation of %(origin)s?") % {"origin": origin},
        consequence=_(
            "Deleting a delegation removes its seats; participants already registered are kept."
        ),
        action=_("Delete the delegation of %(origin)s") % {"origin": origin},
        cancel_url=reverse("programs:delegation_edit", args=[programme.slug, delegation.pk]),
    )
    if asking:
        return asking
    delegation.delete()
    messages.success(request, _("The delegation of %(origin)s was deleted.") % {"origin": origin})
    return redirect("programs:delegations", slug=programme.slug)
