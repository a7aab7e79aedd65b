from collections.abc import Iterable
from datetime import date
from itertools import groupby

from django.db.models import QuerySet

from participants.models import Participant
from programs.models import Programme

from .models import Session


def agenda_of(programme: Programme) -> QuerySet[Session]:
    return programme.sessions.select_related("site")


def agenda_of_participant(participant: Participant) -> QuerySet[Session]:
    return participant.sessions.select_related("site").order_by("starts_at")


def group_by_local_day(
    programme: Programme, sessions: Iterable[Session]
) -> list[tuple[date, list[Session]]]:
    """Agenda items grouped by their calendar day in the programme's time zone."""
    return [
        (day, list(items))
        for day, items in groupby(sessions, key=lambda s: programme.to_local(s.starts_at).date())
    ]
