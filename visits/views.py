"""The agenda, the staff timetable with its items and their logistics, and the sites.

Timetable edits answer htmx requests (header HX-Request) with page fragments and every other
request with whole pages, so that everything also works without JavaScript.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from participants.roles import get_roles
from programs.confirmation import confirmation_page
from programs.files import serve_stored_file
from programs.models import Programme
from programs.permissions import TEAM, get_programme_for_user

from .forms import (
    DuplicateDayForm,
    GroupForm,
    ItemForm,
    MaterialForm,
    MoveForm,
    SiteForm,
    VehicleForm,
)
from .models import Session, Site, Vehicle
from .permissions import get_material_for_user
from .queries import (
    agenda_of,
    group_by_local_day,
    item_for_detail,
    site_list_queryset,
    timetable_columns,
    timetable_items,
)
from .services import (
    can_delete_item,
    delete_group_or_vehicle,
    delete_with_file,
    duplicate_day,
    item_conflicts,
    items_on_day,
    move_item,
    programme_conflicts,
    programme_days,
    save_item,
    toggle_cancelled,
    vehicle_overload_warning,
)


@login_required
def agenda(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    days = group_by_local_day(programme, agenda_of(programme))
    return render(request, "visits/agenda.html", {"programme": programme, "days": days})


# --- Helpers --------------------------------------------------------------------------------


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _item_or_404(programme: Programme, pk: int) -> Session:
    item = programme.sessions.select_related("site").filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def _local_time(programme: Programme, moment: datetime) -> str:
    return date_format(programme.to_local(moment), "l j F, H:i")


def _timetable_context(programme: Programme) -> dict:
    items = list(timetable_items(programme))
    conflicts = programme_conflicts(programme=programme, items=items)
    for item in items:
        item.conflicts = conflicts.get(item.pk, [])
    days = programme_days(programme)
    columns = [
        {
            "day": day,
            "items": day_items,
            "outside": not programme.start_date <= day <= programme.end_date,
            "other_days": [other for other in days if other != day],
        }
        for day, day_items in timetable_columns(programme, items)
    ]
    return {
        "programme": programme,
        "columns": columns,
        "item_count": sum(1 for item in items if not item.is_cancelled),
        "visit_count": sum(1 for item in items if item.is_site_visit and not item.is_cancelled),
        "conflicted_count": sum(1 for item in items if item.conflicts),
    }


def _finish(
    request: HttpRequest,
    programme: Programme,
    *,
    message: str,
    warnings: Sequence[str] = (),
    level: str = "success",
    item: Session | None = None,
    to: str,
) -> HttpResponse:
    """The answer to a timetable change. For htmx: the message in the editor and the whole
    timetable swapped out of band; else messages and a redirect to `to`."""
    if is_htmx(request):
        context = _timetable_context(programme)
        context.update(message=message, warnings=list(warnings), level=level, item=item)
        return render(request, "visits/_timetable_update.html", context)
    getattr(messages, level)(request, message)
    for warning in warnings:
        messages.warning(request, warning)
    return redirect(to)


def _vary_on_htmx(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- Timetable ------------------------------------------------------------------------------


@login_required
def timetable(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    return render(request, "visits/timetable.html", _timetable_context(programme))


def _suggested_times(programme: Programme, day: date) -> tuple[time, time]:
    """Start a new item when the day's last one ends (09:00 on an empty day), for an hour."""
    last = items_on_day(programme, day).order_by("-ends_at").first()
    start = time(9, 0)
    if last is not None:
        end_of_last = programme.to_local(last.ends_at)
        if end_of_last.date() == day and end_of_last.hour < 23:
            start = end_of_last.time().replace(second=0, microsecond=0)
    return start, (datetime.combine(day, start) + timedelta(hours=1)).time()


def _item_form(
    request: HttpRequest, programme: Programme, item: Session, *, initial_day: date | None = None
) -> HttpResponse:
    is_new = item.pk is None
    if request.method == "POST":
        form = ItemForm(request.POST, instance=item, programme=programme)
        if form.is_valid():
            item = save_item(
                item=form.save(commit=False),
                speaker_participants=form.cleaned_data["speaker_participants"],
            )
            message = (
                _("“%(title)s” was added on %(when)s.")
                if is_new
                else _("“%(title)s” was saved (%(when)s).")
            ) % {"title": item.title, "when": _local_time(programme, item.starts_at)}
            warnings = [c.message for c in item_conflicts(programme=programme, item=item)]
            return _finish(
                request,
                programme,
                message=message,
                warnings=warnings,
                item=item,
                to=reverse("visits:item_detail", args=[programme.slug, item.pk]),
            )
    else:
        initial = {}
        if is_new and initial_day is not None:
            initial["start_time"], initial["end_time"] = _suggested_times(programme, initial_day)
        form = ItemForm(
            instance=item, programme=programme, initial=initial, initial_day=initial_day
        )
    context = {"programme": programme, "item": item, "form": form, "is_new": is_new}
    if is_htmx(request):
        context["htmx"] = True
        return _vary_on_htmx(render(request, "visits/_item_form.html", context))
    return _vary_on_htmx(render(request, "visits/item_form.html", context))


@login_required
def item_create(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    try:
        initial_day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        initial_day = None
    return _item_form(request, programme, Session(programme=programme), initial_day=initial_day)


@login_required
def item_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    return _item_form(request, programme, _item_or_404(programme, pk))


@login_required
@require_POST
def item_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    item = _item_or_404(programme, pk)
    detail = reverse("visits:item_detail", args=[programme.slug, item.pk])
    form = MoveForm(request.POST)
    if not form.is_valid():
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        return _finish(
            request, programme, message=" ".join(errors), level="error", item=item, to=detail
        )
    move_item(
        item=item,
        programme=programme,
        to_day=form.cleaned_data["day"],
        to_time=form.cleaned_data["start_time"],
    )
    return _finish(
        request,
        programme,
        message=_("“%(title)s” now starts on %(when)s.")
        % {"title": item.title, "when": _local_time(programme, item.starts_at)},
        warnings=[c.message for c in item_conflicts(programme=programme, item=item)],
        item=item,
        to=detail,
    )


@login_required
@require_POST
def day_duplicate(request: HttpRequest, slug: str, day: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    try:
        from_day = date.fromisoformat(day)
    except ValueError as error:
        raise Http404 from error
    back = reverse("visits:timetable", args=[programme.slug])
    form = DuplicateDayForm(request.POST, programme=programme, from_day=from_day)
    if not form.is_valid():
        return _finish(
            request,
            programme,
            message=_("Choose another day of the programme to copy to."),
            level="error",
            to=back,
        )
    to_day = form.cleaned_data["to_day"]
    copies = duplicate_day(programme=programme, from_day=from_day, to_day=to_day)
    names = {"from": date_format(from_day, "l j F"), "to": date_format(to_day, "l j F")}
    if not copies:
        return _finish(
            request,
            programme,
            message=_("There is nothing to copy on %(from)s.") % names,
            level="info",
            to=back,
        )
    message = ngettext(
        "%(count)d item of %(from)s was copied to %(to)s, without participants, groups or "
        "vehicles.",
        "%(count)d items of %(from)s were copied to %(to)s, without participants, groups or "
        "vehicles.",
        len(copies),
    ) % dict(names, count=len(copies))
    return _finish(request, programme, message=message, to=back)


@login_required
@require_POST
def item_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    item = toggle_cancelled(item=_item_or_404(programme, pk))
    if item.is_cancelled:
        message = _("“%(title)s” was cancelled; it stays on the timetable, struck through.")
    else:
        message = _("“%(title)s” was restored.")
    return _finish(
        request,
        programme,
        message=message % {"title": item.title},
        item=item,
        to=reverse("visits:item_detail", args=[programme.slug, item.pk]),
    )


@login_required
@require_POST
def item_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    item = _item_or_404(programme, pk)
    title = item.title
    if not can_delete_item(item):
        return _finish(
            request,
            programme,
            message=_(
                "“%(title)s” has attendance records and cannot be deleted; cancel it instead."
            )
            % {"title": title},
            level="error",
            item=item,
            to=reverse("visits:item_detail", args=[programme.slug, item.pk]),
        )
    asking = confirmation_page(
        request,
        question=_("Delete “%(title)s”?") % {"title": title},
        consequence=_(
            "The item is deleted with its bookings, groups, vehicles and materials. "
            "This cannot be undone; to keep a record, cancel the item instead."
        ),
        action=_("Delete the item"),
        cancel_url=reverse("visits:item_detail", args=[programme.slug, item.pk]),
    )
    if asking:
        return asking
    try:
        item.delete()
    except ProtectedError:
        return _finish(
            request,
            programme,
            message=_("“%(title)s” is still used elsewhere and cannot be deleted.")
            % {"title": title},
            level="error",
            to=reverse("visits:item_detail", args=[programme.slug, item.pk]),
        )
    return _finish(
        request,
        programme,
        message=_("“%(title)s” was deleted.") % {"title": title},
        to=reverse("visits:timetable", args=[programme.slug]),
    )


@login_required
def item_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    item = item_for_detail(programme, pk)
    if item is None:
        raise Http404
    return render(
        request,
        "visits/item_detail.html",
        {
            "programme": programme,
            "item": item,
            "conflicts": item_conflicts(programme=programme, item=item),
            "group_form": GroupForm(session=item),
            "vehicle_form": VehicleForm(session=item),
            "material_form": MaterialForm(session=item),
            "move_form": MoveForm(),
            "can_delete": can_delete_item(item),
            "unplaced": _unplaced_counts(item),
        },
    )


def _unplaced_counts(item: Session) -> dict[str, int]:
    """How many assigned participants have no group, and no vehicle, yet."""
    groups = item.groups.all()
    vehicles = item.vehicles.all()
    return {
        "without_group": item.assigned - sum(group.assigned for group in groups) if groups else 0,
        "without_vehicle": item.assigned - sum(vehicle.assigned for vehicle in vehicles)
        if vehicles
        else 0,
    }


# --- Groups, vehicles and materials ---------------------------------------------------------


def _back_to_item(programme: Programme, item: Session, anchor: str) -> HttpResponse:
    return redirect(reverse("visits:item_detail", args=[programme.slug, item.pk]) + f"#{anchor}")


@dataclass(frozen=True)
class _ChildKind:
    """What the pages of one kind of child of an item (groups, vehicles, materials) say;
    every text but `new` may show the child's name as %(name)s."""

    form: type[ModelForm]
    new: str
    heading: str
    added: str
    saved: str = ""


_CHILD_KINDS = {
    "groups": _ChildKind(
        GroupForm,
        new=gettext_lazy("New group"),
        heading=gettext_lazy("Group %(name)s"),
        added=gettext_lazy("Group %(name)s was added."),
        saved=gettext_lazy("Group %(name)s was saved."),
    ),
    "vehicles": _ChildKind(
        VehicleForm,
        new=gettext_lazy("New vehicle"),
        heading="%(name)s",
        added=gettext_lazy("%(name)s was added."),
        saved=gettext_lazy("%(name)s was saved."),
    ),
    "materials": _ChildKind(
        MaterialForm,
        new=gettext_lazy("New material"),
        heading="%(name)s",
        added=gettext_lazy("“%(name)s” was added."),
    ),
}


def _child_form(
    request: HttpRequest, slug: str, pk: int, related: str, child_id: int | None = None
) -> HttpResponse:
    """Show and save a new (or the `child_id`) group, vehicle or material of an item; back to
    the item once saved. `related` names the item's children: "groups", "vehicles" or
    "materials"."""
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    item = _item_or_404(programme, pk)
    kind = _CHILD_KINDS[related]
    kwargs: dict = {"session": item}
    heading, saved = kind.new, kind.added
    if child_id is not None:
        kwargs["instance"] = get_object_or_404(getattr(item, related), pk=child_id)
        heading, saved = kind.heading % {"name": kwargs["instance"]}, kind.saved
    if request.method == "POST":
        form = kind.form(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            child = form.save()
            messages.success(request, saved % {"name": str(child)})
            if isinstance(child, Vehicle) and (warning := vehicle_overload_warning(child)):
                messages.warning(request, warning)
            return _back_to_item(programme, item, related)
    else:
        form = kind.form(**kwargs)
    return render(
        request,
        "visits/item_child_form.html",
        {"programme": programme, "item": item, "form": form, "heading": heading},
    )


def _delete_group_or_vehicle(
    request: HttpRequest, slug: str, pk: int, child_id: int, *, related: str
) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    item = _item_or_404(programme, pk)
    child = get_object_or_404(getattr(item, related), pk=child_id)
    asking = confirmation_page(
        request,
        question=_("Delete %(name)s?") % {"name": child.name},
        consequence=_("Its people stay booked on “%(title)s” but are left without it.")
        % {"title": item.title},
        action=_("Delete %(name)s") % {"name": child.name},
        cancel_url=reverse("visits:item_detail", args=[programme.slug, item.pk]) + f"#{related}",
    )
    if asking:
        return asking
    left = delete_group_or_vehicle(obj=child)
    if related == "groups":
        message = ngettext(
            "Group %(name)s was deleted; its %(count)d participant now has no group.",
            "Group %(name)s was deleted; its %(count)d participants now have no group.",
            left,
        )
    else:
        message = ngettext(
            "%(name)s was deleted; %(count)d participant now has no vehicle.",
            "%(name)s was deleted; %(count)d participants now have no vehicle.",
            left,
        )
    messages.success(request, message % {"name": child.name, "count": left})
    return _back_to_item(programme, item, related)


# One view per action for every kind of child: urls.py gives the kind as `related`.


@login_required
def child_create(request: HttpRequest, slug: str, pk: int, related: str) -> HttpResponse:
    return _child_form(request, slug, pk, related)


@login_required
def child_edit(
    request: HttpRequest, slug: str, pk: int, child_id: int, related: str
) -> HttpResponse:
    """A vehicle with fewer seats than passengers is saved, with a warning."""
    return _child_form(request, slug, pk, related, child_id)


@login_required
@require_POST
def child_delete(
    request: HttpRequest, slug: str, pk: int, child_id: int, related: str
) -> HttpResponse:
    """Groups and vehicles: their people stay booked on the item."""
    return _delete_group_or_vehicle(request, slug, pk, child_id, related=related)


@login_required
def material_download(request: HttpRequest, slug: str, pk: int, material_id: int) -> HttpResponse:
    """The file (or link) of a material, for the team and for delegates booked on the item."""
    material = get_material_for_user(request, slug, pk, material_id)
    if not material.file:
        return redirect(material.url)
    return serve_stored_file(
        material.file, as_attachment=True, filename=PurePosixPath(material.file.name).name
    )


@login_required
@require_POST
def material_delete(request: HttpRequest, slug: str, pk: int, material_id: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    item = _item_or_404(programme, pk)
    material = get_object_or_404(item.materials, pk=material_id)
    asking = confirmation_page(
        request,
        question=_("Delete “%(title)s”?") % {"title": material.title},
        consequence=_("Delegates will no longer find it on the item, and its file is deleted."),
        action=_("Delete the material"),
        cancel_url=reverse("visits:item_detail", args=[programme.slug, item.pk]) + "#materials",
    )
    if asking:
        return asking
    delete_with_file(obj=material, file=material.file)
    messages.success(request, _("“%(title)s” was deleted.") % {"title": material.title})
    return _back_to_item(programme, item, "materials")


# --- Sites ----------------------------------------------------------------------------------


def _require_site_editor(request: HttpRequest) -> None:
    """Sites are shared by all programmes: anyone on a programme's team may maintain them."""
    roles = get_roles(request)
    if not (roles.is_admin or roles.memberships):
        raise PermissionDenied


@login_required
def site_list(request: HttpRequest) -> HttpResponse:
    _require_site_editor(request)
    return render(request, "visits/site_list.html", {"sites": site_list_queryset()})


def _site_form(request: HttpRequest, site: Site) -> HttpResponse:
    is_new = site.pk is None
    if request.method == "POST":
        form = SiteForm(request.POST, instance=site)
        if form.is_valid():
            site = form.save()
            messages.success(
                request,
                (_("%(name)s was added.") if is_new else _("%(name)s was saved."))
                % {"name": site.name},
            )
            return redirect("visits:sites")
    else:
        form = SiteForm(instance=site)
    return render(request, "visits/site_form.html", {"form": form, "site": site, "is_new": is_new})


@login_required
def site_create(request: HttpRequest) -> HttpResponse:
    _require_site_editor(request)
    return _site_form(request, Site())


@login_required
def site_edit(request: HttpRequest, site_id: int) -> HttpResponse:
    _require_site_editor(request)
    site = Site.objects.filter(pk=site_id).first()
    if site is None:
        raise Http404
    return _site_form(request, site)
