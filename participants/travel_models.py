"""A participant's journey to and from the programme, one leg (flight, train, …) a row.

Times are stored in UTC and entered and shown in the local time of the place they happen at:
the departure in the departure airport's zone, the arrival in the arrival airport's zone
(participants.stays.airport_zone). The host end of the journey (the last arrival leg, the first
departure leg) is copied into Participant.arrival_at / departure_at by
participants.stays.sync_travel_summary, so everything reading those fields keeps working.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


def airport_code_field(verbose_name) -> models.CharField:
    return models.CharField(
        verbose_name,
        max_length=4,
        blank=True,
        help_text=_("The airport's three-letter IATA code, e.g. “CGK” for Jakarta."),
    )


class TravelLeg(models.Model):
    class Direction(models.TextChoices):
        ARRIVAL = "arrival", _("Arrival")
        DEPARTURE = "departure", _("Departure")

    class Mode(models.TextChoices):
        FLIGHT = "flight", _("Flight")
        TRAIN = "train", _("Train")
        BUS = "bus", _("Bus")
        CAR = "car", _("Car")
        OTHER = "other", _("Other")

    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.CASCADE,
        related_name="legs",
        verbose_name=_("participant"),
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    mode = models.CharField(
        _("means of travel"), max_length=10, choices=Mode.choices, default=Mode.FLIGHT
    )
    carrier = models.CharField(
        _("carrier"), max_length=60, blank=True, help_text=_("E.g. “GA” or “Garuda Indonesia”.")
    )
    number = models.CharField(
        _("flight or service number"), max_length=20, blank=True, help_text=_("E.g. “881”.")
    )
    from_place = models.CharField(_("from"), max_length=120)
    from_code = airport_code_field(_("from (airport code)"))
    departs_at = models.DateTimeField(_("departs"), null=True, blank=True)
    to_place = models.CharField(_("to"), max_length=120)
    to_code = airport_code_field(_("to (airport code)"))
    arrives_at = models.DateTimeField(_("arrives"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("travel leg")
        verbose_name_plural = _("travel legs")
        ordering = ["participant", "direction", "departs_at", "pk"]

    def __str__(self) -> str:
        return (
            f"{self.service} {self.from_code or self.from_place} → {self.to_code or self.to_place}"
        )

    @property
    def service(self) -> str:
        """Carrier and number as people write them: "GA 881"; "" when neither is known."""
        if self.number.startswith(self.carrier):
            return self.number
        return " ".join(part for part in (self.carrier, self.number) if part)
