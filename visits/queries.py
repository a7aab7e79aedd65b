from collections.abc import Iterable
from datetime import date, timedelta
from itertools import groupby

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet

from participants.models import Participant
from participants.queries import active_participants
from programs.models import Programme

from .models import Session, SessionPhoto, Site, Vehicle, VisitGroup


def agenda_of(programme: Programme) -> QuerySet[Session]:
    return programme.sessions.select_related("site")


def group_by_local_day(
    programme: Programme, sessions: Iterable[Session]
) -> list[tuple[date, list[Session]]]:
    """Agenda items grouped by their calendar day in the programme's time zone."""
    return [
        (day, list(items))
        for day, items in groupby(sessions, key=lambda s: programme.to_local(s.starts_at).date())
    ]


def timetable_items(programme: Programme) -> QuerySet[Session]:
    """Every item of the programme with its site and how many participants it has."""
    return agenda_of(programme).annotate(assigned=Count("assignments"))


def timetable_columns(
    programme: Programme, items: Iterable[Session]
) -> list[tuple[date, list[Session]]]:
    """One column per programme day, empty ones included, plus any day an item strays to."""
    by_day: dict[date, list[Session]] = {
        programme.start_date + timedelta(days=offset): []
        for offset in range(programme.duration_days)
    }
    for item in items:
        by_day.setdefault(programme.to_local(item.starts_at).date(), []).append(item)
    return sorted(by_day.items())


def item_for_detail(programme: Programme, pk: int) -> Session | None:
    """One item with everything its page shows, in a fixed number of queries."""
    return (
        programme.sessions.filter(pk=pk)
        .select_related("site")
        .annotate(assigned=Count("assignments"))
        .prefetch_related(
            Prefetch(
                "speaker_participants",
                queryset=Participant.objects.select_related("country"),
            ),
            "materials",
            Prefetch(
                "groups",
                queryset=VisitGroup.objects.annotate(assigned=Count("assignments")),
            ),
            Prefetch(
                "vehicles",
                queryset=Vehicle.objects.annotate(assigned=Count("assignments")),
            ),
        )
        .first()
    )


def bookable_participants(
    programme: Programme, session: Session, *, search: str = ""
) -> QuerySet[Participant]:
    """Who can still be booked on `session`: the programme's active participants who are not
    booked on it yet, matching `search` in their names, institution or region when given."""
    participants = (
        active_participants(programme)
        .exclude(assignments__session=session)
        .select_related("country")
    )
    if search:
        participants = participants.filter(
            Q(full_name__icontains=search)
            | Q(full_name_latin__icontains=search)
            | Q(institution__icontains=search)
            | Q(region__icontains=search)
        )
    return participants


def site_list_queryset() -> QuerySet[Site]:
    return Site.objects.order_by("name", "city")


# --- Attendance ------------------------------------------------------------------------------


def attendance_annotations(to_assignment: str = "") -> dict[str, Count]:
    """`assigned`, `recorded` and `present` counts of bookings, for annotate() or aggregate().

    `to_assignment` leads from the queryset's model to Assignment: "assignments__" from a
    Participant or a Session, "" on Assignment itself. The one rule for attendance everywhere
    (certificates, attendance rates, the closing report): bookings on cancelled agenda items
    do not count, neither for nor against anyone, since nobody could attend them; nor do
    bookings on items from the day a participant withdrew or declined (their
    `inactive_from`), which are no longer theirs to attend.
    """
    held = Q(**{f"{to_assignment}session__cancelled_at__isnull": True}) & (
        Q(**{f"{to_assignment}participant__inactive_from__isnull": True})
        | Q(
            **{
                f"{to_assignment}session__starts_at__lt": F(
                    f"{to_assignment}participant__inactive_from"
                )
            }
        )
    )
    recorded = Q(**{f"{to_assignment}attended__isnull": False})
    present = Q(**{f"{to_assignment}attended": True})
    return {
        "assigned": Count(f"{to_assignment}id", filter=held),
        "recorded": Count(f"{to_assignment}id", filter=held & recorded),
        "present": Count(f"{to_assignment}id", filter=held & present),
    }


def with_attendance(participants: QuerySet[Participant]) -> QuerySet[Participant]:
    """Participants annotated with `assigned`, `recorded` and `present` (attendance_annotations)."""
    return participants.annotate(**attendance_annotations("assignments__"))


def shows_someone_who_refused_photos() -> Exists:
    """True for a photo in which a participant who refused photo consent is shown.

    For `annotate` and `filter` (negated with ~): such photos stay out of the gallery and the
    closing report, whatever their own consent flag says.
    """
    return Exists(
        SessionPhoto.people.through.objects.filter(
            sessionphoto=OuterRef("pk"), participant__photo_consent=False
        )
    )


def photos_with_consent(photos: QuerySet[SessionPhoto]) -> QuerySet[SessionPhoto]:
    """`photos` with `withheld`: whether someone shown refused photo consent (same query)."""
    return photos.annotate(withheld=shows_someone_who_refused_photos())
