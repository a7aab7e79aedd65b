"""Booking participants on agenda items, and taking attendance at them."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from participants.models import Participant
from participants.selection import reserve_offer_for
from programs.models import Programme
from programs.offline import keep_offline
from programs.permissions import MANAGERS, TEAM, get_programme_for_user

from .assignments import (
    AssignmentResult,
    Rate,
    assign_participants,
    attendance_counts,
    attendance_list,
    check_in_by_badge,
    count_attendance,
    item_rates,
    move_assignment,
    origin_rates,
    participant_rates,
    record_attendance,
    remove_assignment,
    split_participants_into_groups,
)
from .attendance_forms import (
    AssignForm,
    MarkForm,
    MoveForm,
    NewReplacementForm,
    ReplacementChoiceForm,
    ScanForm,
    SplitForm,
    SyncMarkForm,
)
from .attendance_marks import MarkOutcome, save_mark
from .models import AttendanceMark, Session
from .queries import bookable_participants
from .views import is_htmx
from .withdrawals import promote_next_reserve, replace_participant


def _item_or_404(programme: Programme, pk: int) -> Session:
    session = programme.sessions.filter(pk=pk).select_related("site").first()
    if session is None:
        raise Http404
    return session


# Booking.


def _result_message(result: AssignmentResult) -> str:
    parts = [
        ngettext("%(count)s participant added.", "%(count)s participants added.", len(result.added))
        % {"count": len(result.added)}
    ]
    if result.already_assigned:
        parts.append(
            ngettext(
                "%(count)s was already booked and was skipped.",
                "%(count)s were already booked and were skipped.",
                result.already_assigned,
            )
            % {"count": result.already_assigned}
        )
    if result.inactive:
        parts.append(
            ngettext(
                "%(count)s has withdrawn or declined and was not added.",
                "%(count)s have withdrawn or declined and were not added.",
                result.inactive,
            )
            % {"count": result.inactive}
        )
    return " ".join(parts)


def _assign_page(
    request: HttpRequest,
    programme: Programme,
    session: Session,
    *,
    assign_form: AssignForm | None = None,
    split_form: SplitForm | None = None,
) -> HttpResponse:
    """The booking page. Queries: groups and vehicles with their counts, the bookings, the
    participants who can still be picked, the form's member countries."""
    assign_form = assign_form or AssignForm(programme=programme, session=session)
    split_form = split_form or SplitForm()
    groups = list(session.groups.annotate(taken=Count("assignments")))
    vehicles = list(session.vehicles.annotate(taken=Count("assignments")))
    assignments = list(attendance_list(session))
    query = request.GET.get("q", "").strip()
    pickable = list(bookable_participants(programme, session, search=query))
    return render(
        request,
        "visits/assign.html",
        {
            "programme": programme,
            "session": session,
            "assign_form": assign_form,
            "split_form": split_form,
            "groups": groups,
            "vehicles": vehicles,
            "assignments": assignments,
            "seats_left": None
            if session.capacity is None
            else max(session.capacity - len(assignments), 0),
            "pickable": pickable,
            "query": query,
            "picked": {str(v) for v in assign_form["participants"].value() or []},
        },
    )


@login_required
def assign(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Book participants on an item (POST), or move one into another group or vehicle."""
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    session = _item_or_404(programme, pk)
    here = reverse("visits:assign", args=[programme.slug, session.pk])
    if request.method != "POST":
        return _assign_page(request, programme, session)

    if request.POST.get("action") == "move":
        form = MoveForm(request.POST, session=session)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(here)
        assignment = form.cleaned_data["assignment"]
        try:
            move_assignment(
                assignment=assignment,
                group=form.cleaned_data["group"],
                vehicle=form.cleaned_data["vehicle"],
                by=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("%(name)s moved.") % {"name": assignment.participant.display_name},
            )
        return redirect(f"{here}#assignment-{assignment.pk}")

    form = AssignForm(request.POST, programme=programme, session=session)
    if form.is_valid():
        try:
            result = assign_participants(
                session=session,
                participants=form.selection(),
                group=form.cleaned_data["group"],
                vehicle=form.cleaned_data["vehicle"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            level = messages.SUCCESS if result.added else messages.WARNING
            messages.add_message(request, level, _result_message(result))
            for overlap in result.overlaps:
                messages.warning(request, overlap.message)
            return redirect(here)
    return _assign_page(request, programme, session, assign_form=form)


@login_required
@require_POST
def unassign(request: HttpRequest, slug: str, pk: int, assignment_id: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    session = _item_or_404(programme, pk)
    assignment = session.assignments.filter(pk=assignment_id).select_related("participant").first()
    if assignment is None:
        raise Http404
    remove_assignment(assignment=assignment, by=request.user)
    messages.success(
        request,
        _("%(name)s was removed from this item.") % {"name": assignment.participant.display_name},
    )
    return redirect("visits:assign", programme.slug, session.pk)


@login_required
@require_POST
def split_into_groups(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    session = _item_or_404(programme, pk)
    form = SplitForm(request.POST)
    if form.is_valid():
        try:
            groups = split_participants_into_groups(
                session=session,
                group_count=form.cleaned_data["group_count"],
                capacity=form.cleaned_data["capacity"],
                replace=form.cleaned_data["replace"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            sizes = dict(
                session.assignments.filter(group__in=groups)
                .values_list("group_id")
                .annotate(n=Count("id"))
                .order_by()
            )
            summary = ", ".join(f"{group.name} ({sizes.get(group.pk, 0)})" for group in groups)
            messages.success(request, _("Split into groups: %(groups)s.") % {"groups": summary})
            return redirect("visits:assign", programme.slug, session.pk)
    return _assign_page(request, programme, session, split_form=form)


# Attendance.


def _mark_url(programme: Programme, session: Session, shown: "Shown") -> str:
    url = reverse("visits:attendance", args=[programme.slug, session.pk])
    return f"{url}?{shown.query}" if shown.query else url


class Shown:
    """Which bookings the attendance list shows: everyone, one group or one vehicle's
    passengers (the vehicle's manifest, ticked at the door of the bus)."""

    def __init__(self, request: HttpRequest, session: Session) -> None:
        self.groups = list(session.groups.all())
        self.vehicles = list(session.vehicles.all())
        self.group_id = self._chosen(request, "group", self.groups)
        self.vehicle_id = None if self.group_id else self._chosen(request, "vehicle", self.vehicles)

    @staticmethod
    def _chosen(request: HttpRequest, name: str, children: list) -> int | None:
        try:
            chosen = int(request.GET.get(name, ""))
        except ValueError:
            return None
        return chosen if chosen in {child.pk for child in children} else None

    @property
    def query(self) -> str:
        if self.group_id is not None:
            return f"group={self.group_id}"
        return f"vehicle={self.vehicle_id}" if self.vehicle_id is not None else ""

    def bookings(self, session: Session):
        assignments = attendance_list(session, group_id=self.group_id)
        if self.vehicle_id is not None:
            assignments = assignments.filter(vehicle_id=self.vehicle_id)
        return assignments

    def counts(self, session: Session):
        if self.vehicle_id is None:
            return attendance_counts(session, group_id=self.group_id)
        return count_attendance(session.assignments.filter(vehicle_id=self.vehicle_id))


@login_required
def attendance(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The phone list of an item's bookings, with Present and Absent buttons on each row.

    Kept on the device for use without a connection: its script queues the marks and sends
    them to `attendance_sync` when the connection returns.

    Queries: the item's groups and vehicles, the bookings with their people, groups, vehicles
    and recorders, and their marks with who made them; counts are taken from the bookings.
    """
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    session = _item_or_404(programme, pk)
    if request.method == "POST":
        return _mark(request, programme, session)

    shown = Shown(request, session)
    assignments = list(shown.bookings(session).prefetch_related(_MARKS))
    counts = count_attendance(assignments)
    return keep_offline(
        render(
            request,
            "visits/attendance.html",
            {
                "programme": programme,
                "session": session,
                "assignments": assignments,
                "counts": counts,
                "shown": shown,
                "group_id": shown.group_id,
                "mark_url": _mark_url(programme, session, shown),
            },
        )
    )


_MARKS = Prefetch("marks", queryset=AttendanceMark.objects.select_related("by"))


def _back_with_error(request: HttpRequest, back: str, text: str) -> HttpResponse:
    messages.error(request, text)
    if is_htmx(request):
        # A stale or refused row: reload the whole list, which shows the message.
        return HttpResponse(headers={"HX-Redirect": back})
    return redirect(back)


def _mark(request: HttpRequest, programme: Programme, session: Session) -> HttpResponse:
    form = MarkForm(request.POST, session=session)
    shown = Shown(request, session)
    back = _mark_url(programme, session, shown)
    if not form.is_valid():
        return _back_with_error(
            request, back, " ".join(e for errors in form.errors.values() for e in errors)
        )
    assignment = form.cleaned_data["assignment"]
    try:
        record_attendance(assignment=assignment, attended=form.attended, by=request.user)
    except ValidationError as error:
        return _back_with_error(request, back, " ".join(error.messages))
    if is_htmx(request):
        return render(
            request,
            "visits/attendance_row.html",
            {
                "programme": programme,
                "session": session,
                "assignment": assignment,
                "counts": shown.counts(session),
                "mark_url": back,
                "oob": True,
            },
        )
    return redirect(f"{back}#assignment-{assignment.pk}")


@login_required
def attendance_scan(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Check-in by badge: a scanner types the code and Enter, or the phone's camera reads it."""
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    session = _item_or_404(programme, pk)
    check_in = error = None
    if request.method == "POST":
        form = ScanForm(request.POST)
        if form.is_valid():
            try:
                check_in = check_in_by_badge(
                    session=session, code=form.cleaned_data["code"], by=request.user
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            # An empty field is ready for the next badge either way.
            form = ScanForm()
    else:
        form = ScanForm()
    return keep_offline(
        render(
            request,
            "visits/attendance_scan.html",
            {
                "programme": programme,
                "session": session,
                "form": form,
                "check_in": check_in,
                "error": error,
                "counts": attendance_counts(session),
                "people": _scan_people(session),
            },
        )
    )


def _scan_people(session: Session) -> list[dict]:
    """Who may be scanned at the item, for the page's script to name them without a
    connection: one query."""
    return [
        {
            "assignment": assignment.pk,
            "badge": assignment.participant.badge_code,
            "name": assignment.participant.full_name_latin or assignment.participant.full_name,
            "native": assignment.participant.full_name
            if assignment.participant.full_name_latin
            and assignment.participant.full_name_latin != assignment.participant.full_name
            else "",
            "attended": assignment.attended,
        }
        for assignment in attendance_list(session)
    ]


# Marks sent from a device's queue.

# A device sends its queue in batches of at most this many marks.
MAX_SYNC_MARKS = 100


@login_required
@require_POST
def attendance_sync(request: HttpRequest, slug: str, pk: int) -> JsonResponse:
    """Save the marks a device queued (JSON `{"marks": [...]}`, see `SyncMarkForm`) and answer
    for each: "recorded", "unchanged", "superseded" (a mark made later decides), "duplicate"
    (its key was received before: nothing new is saved) or "error" with the reasons."""
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    session = _item_or_404(programme, pk)
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        payload = None
    marks = payload.get("marks") if isinstance(payload, dict) else None
    if not isinstance(marks, list) or len(marks) > MAX_SYNC_MARKS:
        return JsonResponse(
            {
                "error": _("Send a JSON object whose “marks” is a list of at most %(count)s marks.")
                % {"count": MAX_SYNC_MARKS}
            },
            status=400,
        )
    return JsonResponse(
        {"results": [_sync_mark(request, programme, session, data) for data in marks]}
    )


def _sync_mark(request: HttpRequest, programme: Programme, session: Session, data) -> dict:
    if not isinstance(data, dict):
        return _refused("", {"__all__": [_("A mark is a JSON object.")]})
    key = str(data.get("key", ""))[:40]
    form = SyncMarkForm(data, session=session)
    if not form.is_valid():
        return _refused(key, form.errors)
    assignment = form.cleaned_data["booking"]
    try:
        outcome = save_mark(
            assignment=assignment,
            attended=form.cleaned_data["attended"],
            by=request.user,
            marked_at=form.cleaned_data["marked_at"],
            key=form.cleaned_data["key"],
            source=AttendanceMark.Source.OFFLINE_SYNC,
        )
    except ValidationError as error:
        return _refused(key, {"__all__": error.messages})
    status = _sync_status(outcome)
    return {
        "key": key,
        "status": status,
        "message": str(_SYNC_MESSAGES[status]),
        "assignment": assignment.pk,
        "name": assignment.participant.display_name,
        "attended": assignment.attended,
        "record": render_to_string(
            "visits/attendance_record.html",
            {"programme": programme, "assignment": assignment},
            request=request,
        ),
    }


def _sync_status(outcome: MarkOutcome) -> str:
    if outcome.duplicate:
        return "duplicate"
    if not outcome.current:
        return "superseded"
    return "recorded" if outcome.changed else "unchanged"


_SYNC_MESSAGES = {
    "recorded": gettext_lazy("Recorded."),
    "unchanged": gettext_lazy("Recorded; the attendance already said so."),
    "superseded": gettext_lazy("Kept in the history; a mark made later decides."),
    "duplicate": gettext_lazy("Received before; not counted again."),
}


def _refused(key: str, errors) -> dict:
    messages_ = [str(message) for field_errors in errors.values() for message in field_errors]
    return {
        "key": key,
        "status": "error",
        "message": " ".join(messages_),
        "errors": {field: [str(m) for m in field_errors] for field, field_errors in errors.items()},
    }


@login_required
def attendance_rates(request: HttpRequest, slug: str) -> HttpResponse:
    """Attendance per item, participant, country and province.

    Queries: items with their counts, participants with theirs, and the bookings grouped by
    origin: three aggregates whatever the size of the programme.
    """
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    items = item_rates(programme)
    origins = origin_rates(programme)
    assigned = sum(rate.assigned for rate in items)
    recorded = sum(rate.recorded for rate in items)
    present = sum(rate.present for rate in items)
    return render(
        request,
        "visits/attendance_rates.html",
        {
            "programme": programme,
            "items": items,
            "participants": participant_rates(programme),
            "countries": origins["countries"],
            "provinces": origins["provinces"],
            "overall": Rate(
                label=_("All items"), assigned=assigned, recorded=recorded, present=present
            ),
        },
    )


# Replacement of a withdrawn delegate.


def _withdrawn_of(programme: Programme, pk: int) -> Participant:
    """The participant whose seat is given to someone else; 404 when not of this programme."""
    withdrawn = (
        programme.participants.filter(pk=pk)
        .select_related("programme", "country", "replaced_by")
        .first()
    )
    if withdrawn is None:
        raise Http404
    return withdrawn


@login_required
def replace(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Offer a withdrawn international delegate's seat and released bookings to someone else:
    a participant registered here and now, or an invited one of the same delegation."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    withdrawn = _withdrawn_of(programme, pk)
    detail = reverse("participants:detail", args=[programme.slug, withdrawn.pk])
    if not withdrawn.can_be_replaced:
        messages.error(
            request, _("Only a withdrawn international delegate can be replaced, and only once.")
        )
        return redirect(detail)
    data = request.POST if request.method == "POST" else None
    action = request.POST.get("action")
    choice_form = ReplacementChoiceForm(
        data if action == "existing" else None, withdrawn=withdrawn, prefix="existing"
    )
    new_form = NewReplacementForm(data if action == "new" else None, withdrawn=withdrawn)
    form = choice_form if action == "existing" else new_form
    if data is not None and form.is_valid():
        replacement = form.cleaned_data["existing"] if form is choice_form else new_form.instance
        try:
            result = replace_participant(
                withdrawn=withdrawn, replacement=replacement, by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _report_replacement(request, result, withdrawn)
            return redirect("participants:detail", programme.slug, result.participant.pk)
    return render(
        request,
        "visits/replace.html",
        {
            "programme": programme,
            "withdrawn": withdrawn,
            "released": withdrawn.released_bookings.filter(
                taken_over_by__isnull=True
            ).select_related("session", "group", "vehicle"),
            "choice_form": choice_form,
            "new_form": new_form,
            "detail_url": detail,
            "reserve": reserve_offer_for(withdrawn),
        },
        status=400 if data is not None else 200,
    )


def _report_replacement(request: HttpRequest, result, withdrawn) -> None:
    messages.success(
        request,
        ngettext(
            "%(new)s replaces %(old)s and takes over %(count)s booking.",
            "%(new)s replaces %(old)s and takes over %(count)s bookings.",
            len(result.taken_over),
        )
        % {
            "new": result.participant.display_name,
            "old": withdrawn.display_name,
            "count": len(result.taken_over),
        },
    )
    for session, reason in result.refused:
        messages.warning(
            request,
            _("Not booked on “%(item)s”: %(reason)s") % {"item": session.title, "reason": reason},
        )


@require_POST
@login_required
def promote_reserve(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Give a withdrawn delegate's seat to the next reserve of their delegation, in one click:
    the reserve becomes a participant, is invited and takes over the released bookings."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    withdrawn = _withdrawn_of(programme, pk)
    try:
        reserve_id = int(request.POST.get("reserve", ""))
    except ValueError:
        reserve_id = None
    try:
        result = promote_next_reserve(
            withdrawn=withdrawn, reserve_id=reserve_id, by=request.user, request_or_base_url=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("participants:detail", programme.slug, withdrawn.pk)
    _report_replacement(request, result, withdrawn)
    messages.info(
        request,
        _("%(name)s was selected from the reserves and their invitation was sent.")
        % {"name": result.participant.display_name},
    )
    return redirect("participants:detail", programme.slug, result.participant.pk)
