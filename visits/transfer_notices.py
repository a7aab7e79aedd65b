"""E-mails to passengers about their airport transfer: put on a run, the run changed, taken off.

Written in English and the programme's language (programs.mail.bilingual_message). Sent to the
participant's own address (or their account's): many have no account yet when they fly in.
A notice may run twice (a retried task) without sending twice: each recipient of a notice is
claimed in the shared cache before sending, and released when sending fails.
"""

from collections.abc import Callable

from django.core.mail import EmailMessage

from participants.models import Participant
from participants.queries import INACTIVE_STATUSES
from programs.mail import bilingual_message

from .legs import at_airport
from .notifications import send_each_once
from .transfer_models import TransferPassenger, TransferRun

ADDED, CHANGED, REMOVED = "added", "changed", "removed"
NOTICE_MEMORY = 14 * 24 * 3600


def _address(participant: Participant) -> str:
    if participant.email:
        return participant.email
    return participant.user.email if participant.user_id else ""


def notify_transfer(*, run_id: int, participant_ids: list[int], what: str, notice_id: str) -> int:
    """E-mail each of the participants what `what` (ADDED, CHANGED, REMOVED) means for them.

    Passengers told of ADDED or CHANGED get the run as it now stands, if they are still on it;
    withdrawn and declined participants get nothing. `notice_id` names the change: each
    recipient gets its notice once (`send_each_once`). Returns how many were sent.
    """
    run = TransferRun.objects.select_related("programme").filter(pk=run_id).first()
    if run is None:
        return 0
    participants = Participant.objects.filter(pk__in=participant_ids).exclude(
        status__in=INACTIVE_STATUSES
    )
    legs = {}
    if what != REMOVED:
        passengers = TransferPassenger.objects.filter(
            run=run, participant__in=participants
        ).select_related("leg")
        legs = {passenger.participant_id: passenger.leg for passenger in passengers}
        participants = participants.filter(pk__in=list(legs))

    def notice(participant: Participant) -> tuple[str, Callable[[], EmailMessage]]:
        leg = legs.get(participant.pk)
        return f"visits:transfer:{notice_id}:{participant.pk}", lambda: bilingual_message(
            "visits/email/transfer",
            {
                "participant": participant,
                "programme": run.programme,
                "run": run,
                "leg": leg,
                # The flight's time as the ticket prints it: local to its airport.
                "flight_time": at_airport(leg, run.programme.tzinfo) if leg else None,
                "what": what,
            },
            language=run.programme.content_language,
            to=_address(participant),
        )

    recipients = [p for p in participants.select_related("user").order_by("pk") if _address(p)]
    return send_each_once(map(notice, recipients), memory=NOTICE_MEMORY)
