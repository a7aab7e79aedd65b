"""Accommodation: a programme's hotels, their room types, the rooms held each night (the
block), and who sleeps in which room.

A shared room is the same room type and room label ("412") on several assignments; a room
type's beds say how many people one room takes. How a programme lets people share is its
LodgingRule (no rule: people of the same gender may share). The rules themselves live in
participants.lodging.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Hotel(models.Model):
    programme = models.ForeignKey(
        "programs.Programme",
        on_delete=models.CASCADE,
        related_name="hotels",
        verbose_name=_("programme"),
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    check_in = models.TimeField(_("check-in from"), null=True, blank=True)
    check_out = models.TimeField(_("check-out by"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("hotel")
        verbose_name_plural = _("hotels")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class RoomType(models.Model):
    hotel = models.ForeignKey(
        Hotel, on_delete=models.CASCADE, related_name="room_types", verbose_name=_("hotel")
    )
    name = models.CharField(_("room type"), max_length=100, help_text=_("E.g. “Deluxe twin”."))
    beds = models.PositiveSmallIntegerField(
        _("people per room"), default=1, help_text=_("How many people one room of this type takes.")
    )

    class Meta:
        verbose_name = _("room type")
        verbose_name_plural = _("room types")
        ordering = ["hotel", "name", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(beds__gte=1), name="room_type_has_a_bed"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.hotel.name})"


class RoomBlock(models.Model):
    """Rooms of one type the hotel holds for the programme on one night (by its date)."""

    room_type = models.ForeignKey(
        RoomType, on_delete=models.CASCADE, related_name="blocks", verbose_name=_("room type")
    )
    night = models.DateField(_("night of"))
    rooms = models.PositiveSmallIntegerField(_("rooms"))

    class Meta:
        verbose_name = _("room block")
        verbose_name_plural = _("room blocks")
        ordering = ["room_type", "night"]
        constraints = [
            models.UniqueConstraint(fields=["room_type", "night"], name="one_block_per_type_night")
        ]

    def __str__(self) -> str:
        return f"{self.room_type}: {self.night} × {self.rooms}"


class RoomAssignment(models.Model):
    """Where a participant sleeps, from their first to their last night (both included)."""

    room_type = models.ForeignKey(
        RoomType, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("room type")
    )
    participant = models.OneToOneField(
        "participants.Participant",
        on_delete=models.CASCADE,
        related_name="room",
        verbose_name=_("participant"),
    )
    room_label = models.CharField(
        _("room"),
        max_length=20,
        blank=True,
        help_text=_("Room number or a name; people with the same label share the room."),
    )
    first_night = models.DateField(_("first night"))
    last_night = models.DateField(_("last night"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("room assignment")
        verbose_name_plural = _("room assignments")
        ordering = ["room_type", "room_label", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_night__gte=models.F("first_night")),
                name="room_last_night_not_before_first",
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant_id}: {self.room_type_id} {self.room_label}"

    @property
    def night_count(self) -> int:
        return (self.last_night - self.first_night).days + 1


class LodgingRule(models.Model):
    """Who may share a room in a programme; broken, it warns and does not refuse."""

    class Sharing(models.TextChoices):
        SINGLE = "single", _("No sharing: one person a room")
        SAME_GENDER = "same_gender", _("People of the same gender may share")
        ANY = "any", _("Anyone may share")

    programme = models.OneToOneField(
        "programs.Programme",
        on_delete=models.CASCADE,
        related_name="lodging_rule",
        verbose_name=_("programme"),
    )
    sharing = models.CharField(
        _("room sharing"), max_length=20, choices=Sharing.choices, default=Sharing.SAME_GENDER
    )

    class Meta:
        verbose_name = _("room sharing rule")
        verbose_name_plural = _("room sharing rules")

    def __str__(self) -> str:
        return self.get_sharing_display()
