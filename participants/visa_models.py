"""An international delegate's visa for the host country: where the application stands.

A participant without a Visa row is "unknown" (see `participants.visas.visa_status_of`).
Only international delegates have one; domestic participants are nationals of the host.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Visa dates are past or near: anything further ahead is a mistake in the year.
VISA_DATES_AHEAD = timedelta(days=365)


class Visa(models.Model):
    class Status(models.TextChoices):
        UNKNOWN = "unknown", _("Unknown")
        NOT_REQUIRED = "not_required", _("Not required")
        ON_ARRIVAL = "on_arrival", _("Visa on arrival")
        E_VISA = "e_visa", _("E-visa")
        LETTER_SENT = "letter_sent", _("Support letter sent")
        APPLIED = "applied", _("Applied")
        ISSUED = "issued", _("Issued")
        # Not the "Refused" of a photo consent: the embassy refused.
        REFUSED = "refused", pgettext_lazy("visa status", "Refused")

    participant = models.OneToOneField(
        "participants.Participant",
        on_delete=models.CASCADE,
        related_name="visa",
        verbose_name=_("participant"),
    )
    status = models.CharField(
        _("visa status"), max_length=20, choices=Status.choices, default=Status.UNKNOWN
    )
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    decided_on = models.DateField(
        _("decided on"), null=True, blank=True, help_text=_("When the visa was issued or refused.")
    )
    reference = models.CharField(_("visa or application number"), max_length=60, blank=True)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("visa")
        verbose_name_plural = _("visas")

    def __str__(self) -> str:
        return f"{self.participant} – {self.get_status_display()}"

    def clean(self) -> None:
        """The dates a status needs, and dates that can be true."""
        errors: dict[str, list] = {}
        if self.status in (self.Status.ISSUED, self.Status.REFUSED) and not self.decided_on:
            errors.setdefault("decided_on", []).append(
                _("Say when the visa was issued or refused.")
            )
        if self.status == self.Status.APPLIED and not self.applied_on:
            errors.setdefault("applied_on", []).append(_("Say when the visa was applied for."))
        latest = self._today() + VISA_DATES_AHEAD
        for name in ("applied_on", "decided_on"):
            value = getattr(self, name)
            if value is not None and value > latest:
                errors.setdefault(name, []).append(
                    _("This date is more than a year ahead: check the year.")
                )
        if self.applied_on and self.decided_on and self.decided_on < self.applied_on:
            errors.setdefault("decided_on", []).append(
                _("A decision cannot come before the application.")
            )
        if errors:
            raise ValidationError(errors)

    def _today(self) -> date:
        # "Today" where the programme takes place, as every other date rule of the app.
        if self.participant_id:
            return timezone.localdate(timezone=self.participant.programme.tzinfo)
        return timezone.localdate()
