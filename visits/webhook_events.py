"""What the programme's webhooks hear about attendance (see programs/webhooks.py)."""

from django.db import transaction

from programs.models import Webhook
from programs.webhooks import emit

from .models import Assignment

ATTENDANCE_RECORDED = "attendance.recorded"


def announce_attendance(assignment_id: int) -> None:
    """Emit attendance.recorded for the booking after commit (read then, in one query).

    `attended` is true (present), false (absent) or null (the mark was cleared).
    """

    def send() -> None:
        assignment = (
            Assignment.objects.select_related("participant", "session__programme")
            .filter(pk=assignment_id)
            .first()
        )
        if assignment is None:
            return
        session = assignment.session
        programme = session.programme
        if not Webhook.objects.filter(programme=programme, active=True).exists():
            return
        recorded_at = assignment.attendance_recorded_at
        data = {
            "booking_id": assignment.pk,
            "participant": {
                "id": assignment.participant_id,
                "full_name": assignment.participant.full_name,
            },
            "agenda_item": {
                "id": session.pk,
                "title": session.title_en,
                "starts_at": session.starts_at.isoformat(),
            },
            "attended": assignment.attended,
            "recorded_at": recorded_at.isoformat() if recorded_at else None,
        }
        emit(programme, ATTENDANCE_RECORDED, data)

    transaction.on_commit(send, robust=True)
