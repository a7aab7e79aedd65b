"""The history of attendance marks: every Present, Absent or clear made on a booking.

A booking's `attended` is the mark made last on a device (`marked_at`), not the last one to
reach the server: marks taken without a connection arrive late and in any order. Marks stay
with the booking's attendance when a participant's data is erased (see
participants/retention.py: attendance is kept for the programme's figures).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AttendanceMark(models.Model):
    class Source(models.TextChoices):
        PAGE = "page", _("Attendance list")
        SCAN = "scan", _("Badge scan")
        OFFLINE_SYNC = "offline-sync", _("Queued on the device")
        API = "api", _("API")

    # By name: visits.models imports this module to register it.
    assignment = models.ForeignKey(
        "visits.Assignment",
        on_delete=models.CASCADE,
        related_name="marks",
        verbose_name=_("booking"),
    )
    # Made on the device with the mark: sending it again cannot record it twice.
    key = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    # None clears the booking's attendance.
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    marked_at = models.DateTimeField(_("marked"))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked by"),
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)

    class Meta:
        verbose_name = _("attendance mark")
        verbose_name_plural = _("attendance marks")
        ordering = ["marked_at", "received_at", "pk"]
        indexes = [models.Index(fields=["assignment", "marked_at"])]

    def __str__(self) -> str:
        return f"{self.assignment_id}: {self.attended} at {self.marked_at:%Y-%m-%d %H:%M:%S}"
