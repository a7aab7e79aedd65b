"""Accommodation pages: hotels with their room types and blocks, the board of who sleeps where,
and the occupancy of the blocks night by night. The whole team sees them; organisers edit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from programs.confirmation import confirmation_page
from programs.models import Programme
from programs.permissions import MANAGERS, TEAM, get_programme_for_user

from . import lodging
from .lodging_forms import HotelForm, RoomAssignmentForm, RoomTypeForm, SharingRuleForm
from .lodging_models import LodgingRule, RoomBlock, RoomType


def _hotels(programme: Programme):
    blocks = RoomBlock.objects.order_by("night")
    types = RoomType.objects.prefetch_related(Prefetch("blocks", queryset=blocks))
    return programme.hotels.prefetch_related(Prefetch("room_types", queryset=types))


def _can_edit(programme: Programme) -> bool:
    return programme.user_role in MANAGERS


@login_required
@require_http_methods(["GET", "POST"])
def hotels(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the hotels, room types and blocks. POST (organisers): the room sharing rule."""
    programme = get_programme_for_user(
        request.user, slug, roles=MANAGERS if request.method == "POST" else TEAM
    )
    rule = LodgingRule.objects.filter(programme=programme).first() or LodgingRule(
        programme=programme
    )
    form = SharingRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The room sharing rule is saved."))
        return redirect("participants:hotels", slug=programme.slug)
    return render(
        request,
        "participants/hotels.html",
        {
            "programme": programme,
            "hotels": _hotels(programme),
            "rule_form": form,
            "can_edit": _can_edit(programme),
        },
    )


def _hotel_form_page(request, programme, form, hotel=None) -> HttpResponse:
    return render(
        request,
        "participants/hotel_form.html",
        {"programme": programme, "form": form, "hotel": hotel},
    )


@login_required
@require_http_methods(["GET", "POST"])
def hotel_create(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    form = HotelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.programme = programme
        hotel = form.save()
        messages.success(
            request, _("%(hotel)s is added: now give it its room types.") % {"hotel": hotel.name}
        )
        return redirect("participants:room_type_create", slug=programme.slug, pk=hotel.pk)
    return _hotel_form_page(request, programme, form)


@login_required
@require_http_methods(["GET", "POST"])
def hotel_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    hotel = get_object_or_404(programme.hotels, pk=pk)
    form = HotelForm(request.POST or None, instance=hotel)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("%(hotel)s is saved.") % {"hotel": hotel.name})
        return redirect("participants:hotels", slug=programme.slug)
    return _hotel_form_page(request, programme, form, hotel)


def _delete_when_confirmed(
    request: HttpRequest, programme: Programme, thing, *, question: str, consequence: str
) -> HttpResponse:
    """Ask first (what goes with it), then delete `thing` on the confirmed POST."""
    asked = confirmation_page(
        request,
        question=question,
        consequence=consequence,
        action=_("Delete"),
        cancel_url=reverse("participants:hotels", args=[programme.slug]),
    )
    if asked is not None:
        return asked
    thing.delete()
    messages.success(request, _("%(name)s is deleted.") % {"name": thing.name})
    return redirect("participants:hotels", slug=programme.slug)


@login_required
@require_POST
def hotel_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    hotel = get_object_or_404(programme.hotels, pk=pk)
    guests = lodging.programme_assignments(programme).filter(room_type__hotel=hotel).count()
    return _delete_when_confirmed(
        request,
        programme,
        hotel,
        question=_("Delete %(hotel)s?") % {"hotel": hotel.name},
        consequence=_("Its room types and blocks go with it, and %(count)s people lose their room.")
        % {"count": guests},
    )


def _save_room_type(form: RoomTypeForm) -> RoomType:
    with transaction.atomic():
        room_type = form.save()
        if form.block is not None:
            first, last, rooms = form.block
            lodging.set_block(room_type=room_type, first=first, last=last, rooms=rooms)
    return room_type


def _room_type_page(request, programme, hotel, form, room_type=None) -> HttpResponse:
    return render(
        request,
        "participants/room_type_form.html",
        {"programme": programme, "hotel": hotel, "form": form, "room_type": room_type},
    )


@login_required
@require_http_methods(["GET", "POST"])
def room_type_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    hotel = get_object_or_404(programme.hotels, pk=pk)
    form = RoomTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.hotel = hotel
        room_type = _save_room_type(form)
        messages.success(request, _("%(type)s is saved.") % {"type": room_type.name})
        return redirect("participants:hotels", slug=programme.slug)
    return _room_type_page(request, programme, hotel, form)


@login_required
@require_http_methods(["GET", "POST"])
def room_type_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    room_type = get_object_or_404(
        RoomType.objects.filter(hotel__programme=programme).select_related("hotel"), pk=pk
    )
    form = RoomTypeForm(request.POST or None, instance=room_type)
    if request.method == "POST" and form.is_valid():
        _save_room_type(form)
        messages.success(request, _("%(type)s is saved.") % {"type": room_type.name})
        return redirect("participants:hotels", slug=programme.slug)
    return _room_type_page(request, programme, room_type.hotel, form, room_type)


@login_required
@require_POST
def room_type_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    room_type = get_object_or_404(RoomType.objects.filter(hotel__programme=programme), pk=pk)
    guests = lodging.programme_assignments(programme).filter(room_type=room_type).count()
    return _delete_when_confirmed(
        request,
        programme,
        room_type,
        question=_("Delete the room type %(type)s?") % {"type": room_type.name},
        consequence=_("Its block goes with it, and %(count)s people lose their room.")
        % {"count": guests},
    )


@login_required
@require_GET
def accommodation(request: HttpRequest, slug: str) -> HttpResponse:
    """Everyone who needs a room: their nights, room, roommates and the rule's warnings."""
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    rows = lodging.board(programme)
    return render(
        request,
        "participants/accommodation.html",
        {
            "programme": programme,
            "rows": rows,
            "unassigned": sum(1 for row in rows if row.assignment is None),
            "warned": sum(1 for row in rows if row.warnings),
            "has_room_types": RoomType.objects.filter(hotel__programme=programme).exists(),
            "can_edit": _can_edit(programme),
            "sharing": LodgingRule.Sharing(lodging.sharing_rule(programme)).label,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def room_assign(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    participant = get_object_or_404(
        lodging.housed_participants(programme).select_related("programme"), pk=pk
    )
    current = getattr(participant, "room", None)
    form = RoomAssignmentForm(request.POST or None, instance=current, programme=programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = lodging.assign_room(
                participant=participant,
                room_type=data["room_type"],
                room_label=data["room_label"],
                first_night=data["first_night"],
                last_night=data["last_night"],
                note=data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("%(name)s has a room.") % {"name": participant.display_name}
            )
            for warning in result.warnings:
                messages.warning(request, warning)
            return redirect("participants:accommodation", slug=programme.slug)
    first, last = lodging.default_nights(participant, programme)
    return render(
        request,
        "participants/room_assign.html",
        {
            "programme": programme,
            "participant": participant,
            "form": form,
            "travel_nights": lodging.travel_nights(participant, programme),
            "default_first": first,
            "default_last": last,
        },
    )


@login_required
@require_POST
def room_unassign(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    participant = get_object_or_404(programme.participants, pk=pk)
    if lodging.unassign_room(participant=participant):
        messages.success(
            request, _("%(name)s no longer has a room.") % {"name": participant.display_name}
        )
    return redirect("participants:accommodation", slug=programme.slug)


@login_required
@require_GET
def occupancy(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    return render(
        request,
        "participants/occupancy.html",
        {"programme": programme, "occupancy": lodging.occupancy(programme)},
    )
