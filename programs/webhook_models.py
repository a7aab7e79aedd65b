"""Webhooks: HTTPS endpoints of other systems that hear about a programme's events.

The secret is kept in plain text: it signs every delivery (HMAC-SHA256), so it must be readable,
and the organisers of the programme are shown it to check the signatures on their side. Whoever
reads the database could sign deliveries; organisers replace a secret from the webhook's page.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EVENTS = [
    ("participant.created", _("A participant was registered")),
    ("participant.updated", _("A participant's details were changed")),
    ("participant.status_changed", _("A participant's status changed")),
    ("attendance.recorded", _("Attendance was recorded")),
    ("certificate.issued", _("A certificate was issued")),
    ("certificate.revoked", _("A certificate was revoked")),
    ("job.finished", _("A document job finished")),
]
EVENT_NAMES = [name for name, _label in EVENTS]
# Sent from the webhook's page to try an endpoint out; no webhook subscribes to it.
PING = "ping"


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_hex(24)


class Webhook(models.Model):
    programme = models.ForeignKey(
        "programs.Programme",
        on_delete=models.CASCADE,
        related_name="webhooks",
        verbose_name=_("programme"),
    )
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(_("secret"), max_length=80, default=new_webhook_secret)
    # Off when an organiser pauses it or after repeated failures (then `disabled_at` is set).
    active = models.BooleanField(_("active"), default=True)
    # Deliveries in a row that failed every attempt; a success starts the count again.
    failure_count = models.PositiveIntegerField(_("failed deliveries in a row"), default=0)
    disabled_at = models.DateTimeField(_("turned off automatically"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.url

    def event_labels(self) -> list[str]:
        labels = dict(EVENTS)
        return [str(labels[name]) for name in EVENT_NAMES if name in self.events]


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SUCCEEDED = "succeeded", _("delivered")
        FAILED = "failed", _("failed")

    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("webhook")
    )
    # Sent as the Tpbis-Delivery header and in the body: receivers ignore one they have seen.
    delivery_id = models.UUIDField(_("delivery ID"), default=uuid.uuid4, unique=True)
    event = models.CharField(_("event"), max_length=40)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    response_excerpt = models.CharField(_("response"), max_length=500, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["webhook", "-created_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.delivery_id}"
