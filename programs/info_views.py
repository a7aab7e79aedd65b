"""What organisers tell delegates: practical information and announcements.

Delegates read both on their phone (`visits:programme_info`); these are the organisers' pages.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from .confirmation import confirmation_page
from .info_forms import AnnouncementForm, PracticalInfoForm, PrivacyNoticeForm
from .models import Announcement, Programme
from .permissions import MANAGERS, TEAM, get_programme_for_user


def _edit_programme_texts(
    request: HttpRequest, slug: str, *, form_class, url_name: str, template: str, saved: str
) -> HttpResponse:
    """Show and save one form of the programme's texts (organisers and admins)."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    form = form_class(request.POST if request.method == "POST" else None, instance=programme)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, saved)
        return redirect(url_name, slug=programme.slug)
    return render(request, template, {"programme": programme, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def info_edit(request: HttpRequest, slug: str) -> HttpResponse:
    return _edit_programme_texts(
        request,
        slug,
        form_class=PracticalInfoForm,
        url_name="programs:info_edit",
        template="programs/info_edit.html",
        saved=_("The practical information has been saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def privacy_notice(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's privacy notice: what delegates accept when they confirm."""
    return _edit_programme_texts(
        request,
        slug,
        form_class=PrivacyNoticeForm,
        url_name="programs:privacy_notice",
        template="programs/privacy_notice.html",
        saved=_("The privacy notice has been saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def announcements(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's announcements, newest first; organisers post new ones here."""
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    can_edit = programme.user_role in MANAGERS
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = (
        AnnouncementForm(request.POST if request.method == "POST" else None) if can_edit else None
    )
    if form is not None and request.method == "POST" and form.is_valid():
        announcement = form.save(commit=False)
        announcement.programme = programme
        announcement.created_by = request.user
        announcement.save()
        messages.success(request, _("The announcement has been published."))
        return redirect("programs:announcements", slug=programme.slug)
    return render(
        request,
        "programs/announcements.html",
        {
            "programme": programme,
            # Queries: the announcements with their authors.
            "announcements": programme.announcements.select_related("created_by").order_by(
                "-published_at", "-pk"
            ),
            "form": form,
            "can_edit": can_edit,
        },
    )


def _announcement_of(programme: Programme, pk: int) -> Announcement:
    return get_object_or_404(programme.announcements.all(), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def announcement_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    announcement = _announcement_of(programme, pk)
    form = AnnouncementForm(
        request.POST if request.method == "POST" else None, instance=announcement
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The announcement has been saved."))
        return redirect("programs:announcements", slug=programme.slug)
    return render(
        request,
        "programs/announcement_form.html",
        {"programme": programme, "announcement": announcement, "form": form},
    )


@login_required
@require_POST
def announcement_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    announcement = _announcement_of(programme, pk)
    asking = confirmation_page(
        request,
        question=_("Delete the announcement “%(title)s”?") % {"title": announcement.title},
        consequence=_("Delegates will no longer see it."),
        action=_("Delete this announcement"),
        cancel_url=reverse("programs:announcement_edit", args=[programme.slug, announcement.pk]),
    )
    if asking:
        return asking
    announcement.delete()
    messages.success(
        request, _("The announcement “%(title)s” was deleted.") % {"title": announcement.title}
    )
    return redirect("programs:announcements", slug=programme.slug)
