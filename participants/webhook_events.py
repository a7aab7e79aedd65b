"""What the programme's webhooks hear about participants (see programs/webhooks.py).

The payloads are read once the change is committed, in one query, so that the services which
announce a change pay nothing for it while no webhook listens. No passport, travel or health
details: the registration facts another system needs to follow the participant list.
"""

from datetime import date
from typing import Any

from django.db import transaction

from programs.models import Programme, Webhook
from programs.webhooks import emit_many

from .models import Participant

CREATED = "participant.created"
UPDATED = "participant.updated"
STATUS_CHANGED = "participant.status_changed"


def participant_data(participant: Participant) -> dict[str, Any]:
    return {
        "id": participant.pk,
        "full_name": participant.full_name,
        "full_name_latin": participant.full_name_latin,
        "email": participant.email,
        "category": participant.category,
        "status": participant.status,
        "gender": participant.gender,
        "country": participant.country.code if participant.country else None,
        "region": participant.region,
        "position": participant.position,
        "institution": participant.institution,
        "updated_at": participant.updated_at.isoformat() if participant.updated_at else None,
    }


def status_change_data(from_status: str, to_status: str, effective_on: date) -> dict[str, Any]:
    return {
        "from_status": from_status,
        "to_status": to_status,
        "effective_on": effective_on.isoformat(),
    }


def announce(
    programme: Programme,
    event: str,
    participant_ids: list[int],
    extra: dict[int, dict[str, Any]] | None = None,
) -> None:
    """Emit `event` for these participants after commit, with `extra` fields per participant.

    Side effects (after commit): reads the participants and records the deliveries.
    """
    if not participant_ids:
        return

    def send() -> None:
        if not Webhook.objects.filter(programme=programme, active=True).exists():
            return
        participants = Participant.objects.filter(pk__in=participant_ids).select_related("country")
        items = [
            {**participant_data(participant), **(extra or {}).get(participant.pk, {})}
            for participant in participants.order_by("pk")
        ]
        emit_many(programme, event, items)

    transaction.on_commit(send, robust=True)


def announce_import(
    programme: Programme,
    *,
    created: list[Participant],
    updated: list[Participant],
    changes: list,
) -> None:
    """The events of an import: new rows, changed rows and the status changes among them."""
    announce(programme, CREATED, [participant.pk for participant in created])
    announce(programme, UPDATED, [participant.pk for participant in updated])
    moved = {
        change.participant_id: status_change_data(
            change.from_status, change.to_status, change.effective_on
        )
        for change in changes
        if change.from_status
    }
    announce(programme, STATUS_CHANGED, list(moved), moved)
