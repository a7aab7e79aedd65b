"""The alumni directory: a participant's own listing, the directory alumni see across their
programmes, and each programme's directory for its team (rules in participants.alumni)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from programs.models import Programme
from programs.permissions import TEAM, get_programme_for_user

from .access import get_participation_for_user, programme_query
from .alumni import directory, leave_directory, may_join, save_listing, viewer_of
from .alumni_models import AlumniListing
from .roles import get_roles

ALUMNI_PER_PAGE = 30


class AlumniListingForm(forms.ModelForm):
    class Meta:
        model = AlumniListing
        fields = ["topics", "share_contact"]


def _page(request: HttpRequest, listings) -> dict:
    paginator = Paginator(listings, ALUMNI_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return {"page": page, "page_range": paginator.get_elided_page_range(page.number)}


@login_required
@require_http_methods(["GET", "POST"])
def my_alumni(request: HttpRequest) -> HttpResponse:
    """Join the programme's alumni directory, change what it shows, or leave it."""
    participant = get_participation_for_user(request)
    query = programme_query(request, participant)
    listing = AlumniListing.objects.filter(participant=participant).first()
    allowed = may_join(participant)
    form = AlumniListingForm(
        request.POST if request.method == "POST" and allowed else None,
        instance=listing or AlumniListing(participant=participant),
    )
    status = 200
    if request.method == "POST":
        if "leave" in request.POST:
            if leave_directory(participant=participant):
                messages.success(request, _("You have left the alumni directory."))
            return redirect(reverse("participants:my_alumni") + query)
        if not allowed:
            status = 403
        elif form.is_valid():
            save_listing(participant=participant, form=form)
            messages.success(
                request,
                _("Your listing has been saved.")
                if listing
                else _("Welcome to the alumni directory."),
            )
            return redirect(reverse("participants:my_alumni") + query)
        else:
            status = 400
    return render(
        request,
        "participants/my_alumni.html",
        {
            "participant": participant,
            "programme": participant.programme,
            "participations": get_roles(request).participations,
            "listing": listing,
            "may_join": allowed,
            "form": form,
            "query": query,
        },
        status=status,
    )


@login_required
@require_GET
def alumni_directory(request: HttpRequest) -> HttpResponse:
    """The alumni of every programme the signed-in alum is listed in; `?programme=` narrows
    it to one of them, `q` searches. Anyone who took part in no programme gets 404; a
    participant who has not joined sees only how to join."""
    participant = get_participation_for_user(request)
    viewer = viewer_of(request.user)
    search = request.GET.get("q", "").strip()[:100]
    chosen = participant.programme if "programme" in request.GET else None
    shown = viewer.programme_ids
    if chosen is not None:
        shown = shown & {chosen.pk}
    context = {
        "participant": participant,
        "programme": participant.programme,
        "participations": get_roles(request).participations,
        "query": programme_query(request, participant),
        "viewer": viewer,
        "chosen": chosen,
        "search": search,
        "programmes": Programme.objects.filter(pk__in=viewer.programme_ids).order_by("-start_date")
        if len(viewer.programme_ids) > 1
        else [],
        "show_contacts": viewer.shares_contact,
    }
    if viewer.is_listed:
        context.update(_page(request, directory(shown, search=search)))
    return render(request, "participants/alumni.html", context)


@login_required
@require_GET
def programme_alumni(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's listed alumni for its team, with the contacts they chose to share."""
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    search = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "participants/programme_alumni.html",
        {
            "programme": programme,
            "search": search,
            "show_contacts": True,
            **_page(request, directory({programme.pk}, search=search)),
        },
    )
