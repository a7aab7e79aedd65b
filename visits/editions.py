"""The agenda's part of a new programme started from an existing one.

Copied: every agenda item that is not cancelled, at the same wall-clock times on the same
day of the programme, with its site, room, external speakers, capacity and departure point,
and its visit groups and vehicles. Not copied: bookings and attendance (`Assignment`),
speakers from the participants, materials and photos (they belong to the people of the
original) and cancelled items. Sites are shared by every programme and stay as they are.
"""

from datetime import datetime, timedelta

from django.db import models

from programs.editions import copied_values
from programs.models import Programme

from .models import Session, Vehicle, VisitGroup

# `cancelled_at` is never set on a copy (cancelled items are left out); `revision` counts the
# changes of the new item, which has had none.
SESSION_NOT_COPIED = frozenset({"programme", "cancelled_at", "revision"})
# Guides and drivers are the site's and the carrier's people, kept like delegation contacts.
VISIT_GROUP_NOT_COPIED = frozenset({"session"})
VEHICLE_NOT_COPIED = frozenset({"session"})


def shifted(moment: datetime, *, source: Programme, target: Programme) -> datetime:
    """The same wall-clock time, as many days after `target`'s first day as `moment` is after
    `source`'s: a 09:00 talk on the second day stays a 09:00 talk on the second day, whatever
    daylight saving time does in between."""
    local = source.to_local(moment)
    days = local.date().toordinal() - source.start_date.toordinal()
    day = target.start_date + timedelta(days=days)
    return datetime.combine(day, local.time(), tzinfo=target.tzinfo)


def copy_agenda(*, source: Programme, target: Programme) -> int:
    """Give `target` the agenda of `source`, moved to `target`'s dates.

    Side effects: creates the items with their visit groups and vehicles; returns how many
    items were copied.
    """
    originals = list(source.sessions.filter(cancelled_at__isnull=True).order_by("pk"))
    copies = []
    for item in originals:
        values = copied_values(item, not_copied=SESSION_NOT_COPIED)
        for field in item._meta.concrete_fields:
            moment = values.get(field.attname)
            if isinstance(field, models.DateTimeField) and moment is not None:
                values[field.attname] = shifted(moment, source=source, target=target)
        copies.append(Session(programme=target, **values))
    copies = Session.objects.bulk_create(copies)
    copy_of = {original.pk: copy for original, copy in zip(originals, copies, strict=True)}
    VisitGroup.objects.bulk_create(
        VisitGroup(
            session=copy_of[group.session_id],
            **copied_values(group, not_copied=VISIT_GROUP_NOT_COPIED),
        )
        for group in VisitGroup.objects.filter(session__in=originals)
    )
    Vehicle.objects.bulk_create(
        Vehicle(
            session=copy_of[vehicle.session_id],
            **copied_values(vehicle, not_copied=VEHICLE_NOT_COPIED),
        )
        for vehicle in Vehicle.objects.filter(session__in=originals)
    )
    return len(copies)
