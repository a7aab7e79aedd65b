"""Group messages from the organisers, their delivery log, and the reminders sent by beat.

A GroupMessage is written once, in English and optionally the programme's language, to a group
chosen on the participant list (its filters) or to every focal point of the programme. Each
recipient is a MessageRecipient row: the workers send one e-mail per row and record how it
went, so the message page shows who got what and when, and what failed.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from programs.models import Programme

from .nomination_models import NominationCall


class GroupMessage(models.Model):
    class Audience(models.TextChoices):
        PARTICIPANTS = "participants", _("Participants chosen on the list")
        FOCAL_POINTS = "focal_points", _("All focal points")

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="group_messages",
        verbose_name=_("programme"),
    )
    audience = models.CharField(_("to"), max_length=20, choices=Audience.choices)
    # The participant list's query string that chose the recipients, kept to say who they were.
    filters = models.CharField(_("filters"), max_length=2000, blank=True)
    subject_en = models.CharField(_("subject (English)"), max_length=200)
    subject_local = models.CharField(_("subject (host language)"), max_length=200, blank=True)
    body_en = models.TextField(_("message (English)"))
    body_local = models.TextField(_("message (host language)"), blank=True)
    # The programme's content language when the message was sent: it reads as previewed.
    language = models.CharField(_("language"), max_length=10)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_by_email = models.EmailField(_("sent by (e-mail address)"), blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("group message")
        verbose_name_plural = _("group messages")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject_en


class MessageRecipient(models.Model):
    """One e-mail of a group message: to whom, and how its delivery went."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    message = models.ForeignKey(
        GroupMessage,
        on_delete=models.CASCADE,
        related_name="recipients",
        verbose_name=_("message"),
    )
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("participant"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    name = models.CharField(_("name"), max_length=200)
    # What the recipient is to the programme: their delegation, say.
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When the row was last handed to the workers; None while the broker could not be reached.
    enqueued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("message recipient")
        verbose_name_plural = _("message recipients")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["message", "email"], name="one_row_per_recipient")
        ]
        indexes = [models.Index(fields=["status", "enqueued_at"], name="recipient_sweep")]

    def __str__(self) -> str:
        return f"{self.email} – {self.get_status_display()}"


class DeadlineReminder(models.Model):
    """A reminder of the call's deadline sent to one focal point: sent once per deadline and
    number of days before it, so that beat may run as often as it likes."""

    call = models.ForeignKey(
        NominationCall,
        on_delete=models.CASCADE,
        related_name="deadline_reminders",
        verbose_name=_("call for nominations"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("focal point"),
    )
    # An extended deadline is a new deadline: its reminders go out again.
    deadline = models.DateTimeField(_("deadline"))
    days_before = models.PositiveSmallIntegerField(_("days before the deadline"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "user", "deadline", "days_before"],
                name="one_deadline_reminder_per_step",
            )
        ]

    def __str__(self) -> str:
        return f"{self.call} – {self.user} – {self.days_before}"
