"""Airport transfers: a vehicle collecting delegates at the airport, or taking them back.

A run belongs to one direction: an arrival run picks its passengers up at the airport after
they land, a departure run at the hotel before they fly out. A participant rides at most one run
of each direction. Who may be added, and the e-mails a change sends, are in visits.transfers.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from participants.models import Participant, TravelLeg
from programs.models import Programme


class TransferRun(models.Model):
    # The same values as the legs it serves.
    Direction = TravelLeg.Direction

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="transfer_runs",
        verbose_name=_("programme"),
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    airport_code = models.CharField(
        _("airport code"), max_length=4, help_text=_("The three-letter IATA code, e.g. “CGK”.")
    )
    airport_name = models.CharField(_("airport"), max_length=120, blank=True)
    pickup_at = models.DateTimeField(_("pick-up time"))
    vehicle = models.CharField(
        _("vehicle"), max_length=120, help_text=_("For example “Van 1, B 1234 XY”.")
    )
    seats = models.PositiveSmallIntegerField(_("seats"), help_text=_("Seats for passengers."))
    driver_name = models.CharField(_("driver"), max_length=120, blank=True)
    driver_phone = models.CharField(_("driver phone"), max_length=40, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("transfer run")
        verbose_name_plural = _("transfer runs")
        ordering = ["pickup_at", "pk"]
        indexes = [models.Index(fields=["programme", "direction", "pickup_at"])]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.airport_code} {self.pickup_at:%Y-%m-%d %H:%M}"

    @property
    def is_arrival(self) -> bool:
        return self.direction == self.Direction.ARRIVAL


class TransferPassenger(models.Model):
    """A participant on a run, with the leg the run meets (or sees off)."""

    run = models.ForeignKey(
        TransferRun,
        on_delete=models.CASCADE,
        related_name="passengers",
        verbose_name=_("run"),
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="transfers",
        verbose_name=_("participant"),
    )
    leg = models.ForeignKey(
        TravelLeg,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("travel leg"),
    )
    # Copied from the run, so that the database holds a participant to one run per direction.
    direction = models.CharField(
        _("direction"), max_length=10, choices=TransferRun.Direction.choices
    )

    class Meta:
        verbose_name = _("transfer passenger")
        verbose_name_plural = _("transfer passengers")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "direction"], name="one_transfer_per_direction"
            ),
            models.UniqueConstraint(fields=["run", "participant"], name="one_seat_per_run"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} – {self.run}"
