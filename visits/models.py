import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from participants.models import Participant
from programs.models import Programme, in_programme_language

# Every row that the delegates' agendas and feeds show has `updated_at`: the feed's ETag is
# built from these (see `visits.feeds.feed_validator`), so code that writes these rows in bulk
# sets `updated_at` too.


class Site(models.Model):
    """A library or venue where agenda items take place."""

    class Kind(models.TextChoices):
        NATIONAL_LIBRARY = "national", _("National library")
        PROVINCIAL_LIBRARY = "provincial", _("Provincial library")
        REGENCY_LIBRARY = "regency", _("Regency library")
        CITY_LIBRARY = "city", _("City library")
        VILLAGE_LIBRARY = "village", _("Village library")
        READING_HOUSE = "reading_house", _("Community reading house")
        VENUE = "venue", _("Other venue")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)
    district = models.CharField(_("district"), max_length=120, blank=True)
    city = models.CharField(_("city"), max_length=120)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    description = models.TextField(_("inclusion programme"), blank=True)
    host_contact_name = models.CharField(_("host contact"), max_length=200, blank=True)
    host_contact_phone = models.CharField(_("host contact phone"), max_length=40, blank=True)
    host_contact_email = models.EmailField(_("host contact e-mail"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("How many visitors the site can host.")
    )
    accessibility_notes = models.TextField(_("accessibility notes"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name", "city"], name="unique_site_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def map_url(self) -> str:
        if self.latitude is None or self.longitude is None:
            return ""
        return f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}#map=17/{self.latitude}/{self.longitude}"


class Session(models.Model):
    """Any item of a programme's agenda: a session, a site visit, a ceremony, a break."""

    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening")
        LECTURE = "lecture", _("Lecture")
        PANEL = "panel", _("Panel / discussion")
        WORKSHOP = "workshop", _("Workshop")
        SITE_VISIT = "site_visit", _("Site visit")
        CULTURAL = "cultural", _("Cultural programme")
        CEREMONY = "ceremony", _("Ceremony")
        BREAK = "break", _("Break")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("programme")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_local = models.CharField(_("title (host language)"), max_length=300, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_local = models.TextField(_("description (host language)"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("site"),
    )
    room = models.CharField(_("room"), max_length=120, blank=True)
    speakers = models.CharField(
        _("external speakers"),
        max_length=300,
        blank=True,
        help_text=_("Guests who are not participants: names and roles, as printed."),
    )
    speaker_participants = models.ManyToManyField(
        Participant,
        blank=True,
        related_name="sessions_as_speaker",
        verbose_name=_("speakers from the participants"),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Most participants the item can take; empty for no limit."),
    )
    # Site visits: where and when the bus leaves and comes back.
    departure_point = models.CharField(_("departure point"), max_length=200, blank=True)
    departs_at = models.DateTimeField(_("departure time"), null=True, blank=True)
    returns_at = models.DateTimeField(_("return time"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Bumped on every change of time or place: calendar feeds use it as SEQUENCE.
    revision = models.PositiveIntegerField(_("revision"), default=0)
    participants = models.ManyToManyField(
        Participant,
        blank=True,
        through="Assignment",
        related_name="sessions",
        verbose_name=_("participants"),
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["starts_at", "title_en"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_it_starts",
            )
        ]
        indexes = [models.Index(fields=["programme", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def content_language(self) -> str:
        return self.programme.content_language

    @property
    def title(self) -> str:
        return in_programme_language(self, self.title_local, self.title_en)

    @property
    def description(self) -> str:
        return in_programme_language(self, self.description_local, self.description_en)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_site_visit(self) -> bool:
        return self.kind == self.Kind.SITE_VISIT

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must be after the start.")
        if self.kind == self.Kind.SITE_VISIT and not self.site_id:
            errors["site"] = _("A site visit needs a site.")
        if errors:
            raise ValidationError(errors)


class VisitGroup(models.Model):
    """A group of a site visit, with its own capacity and guide."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="groups", verbose_name=_("agenda item")
    )
    name = models.CharField(_("name"), max_length=100)
    capacity = models.PositiveIntegerField(_("capacity"))
    guide_name = models.CharField(_("guide"), max_length=200, blank=True)
    guide_phone = models.CharField(_("guide phone"), max_length=40, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("visit group")
        verbose_name_plural = _("visit groups")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "name"], name="unique_group_name")
        ]

    def __str__(self) -> str:
        return self.name


class Vehicle(models.Model):
    """A vehicle taking participants to a site visit."""

    class Kind(models.TextChoices):
        BUS = "bus", _("Bus")
        MINIBUS = "minibus", _("Minibus")
        VAN = "van", _("Van")
        CAR = "car", _("Car")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="vehicles", verbose_name=_("agenda item")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("For example “Bus 1”."))
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.BUS)
    seats = models.PositiveIntegerField(_("seats"))
    plate = models.CharField(_("plate number"), max_length=20, blank=True)
    driver_name = models.CharField(_("driver"), max_length=200, blank=True)
    driver_phone = models.CharField(_("driver phone"), max_length=40, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "name"], name="unique_vehicle_name")
        ]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """A participant booked on an agenda item, with their group, vehicle and attendance."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("agenda item")
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("participant"),
    )
    group = models.ForeignKey(
        VisitGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("group"),
    )
    vehicle = models.ForeignKey(
        Vehicle,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("vehicle"),
    )
    # None: not recorded yet; True: present; False: absent.
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    attendance_recorded_at = models.DateTimeField(_("attendance recorded"), null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    # Not touched by attendance, which no agenda shows.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="one_assignment_per_participant"
            )
        ]
        indexes = [models.Index(fields=["participant", "session"])]

    def __str__(self) -> str:
        return f"{self.participant} – {self.session}"


def material_path(material: "SessionMaterial", filename: str) -> str:
    return f"sessions/{material.session_id}/materials/{filename}"


class SessionMaterial(models.Model):
    """A handout or slide deck for an agenda item: an uploaded file or a link."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="materials", verbose_name=_("agenda item")
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=material_path, blank=True)
    url = models.URLField(_("link"), blank=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(file="") | ~models.Q(url=""), name="material_has_file_or_link"
            )
        ]

    def __str__(self) -> str:
        return self.title


def photo_path(photo: "SessionPhoto", filename: str) -> str:
    return f"sessions/{photo.session_id}/photos/{uuid.uuid4().hex}.jpg"


class SessionPhoto(models.Model):
    """Documentation of an agenda item, used in the gallery and the closing report."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="photos", verbose_name=_("agenda item")
    )
    image = models.ImageField(_("photo"), upload_to=photo_path)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    photographer = models.CharField(_("photographer"), max_length=200, blank=True)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    consent_to_publish = models.BooleanField(
        _("consent to publish"),
        default=False,
        help_text=_("The people shown agreed that the photo may be published."),
    )
    # Participants recognisable in the photo: one who refused photo consent keeps it out of the
    # gallery and the closing report.
    people = models.ManyToManyField(
        Participant,
        blank=True,
        related_name="session_photos",
        verbose_name=_("people shown"),
        help_text=_("Participants who can be recognised in the photo."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["taken_at", "uploaded_at"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class ReleasedBooking(models.Model):
    """A booking given up when its participant withdrew or declined.

    The booking itself is deleted (its seat, group place and vehicle seat are free); this
    remembers where the person sat, so that a replacement can take the same places.
    """

    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="released_bookings",
        verbose_name=_("participant"),
    )
    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        related_name="released_bookings",
        verbose_name=_("agenda item"),
    )
    group = models.ForeignKey(
        VisitGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("group"),
    )
    vehicle = models.ForeignKey(
        Vehicle,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vehicle"),
    )
    released_at = models.DateTimeField(_("released"), auto_now_add=True)
    taken_over_by = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken over by"),
    )

    class Meta:
        verbose_name = _("released booking")
        verbose_name_plural = _("released bookings")
        ordering = ["session__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "session"], name="one_release_per_participant_and_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} – {self.session}"


# Airport transfers and the history of attendance marks live in modules of their own; imported
# here so that the app registers them.
from .attendance_models import AttendanceMark  # noqa: E402, F401
from .transfer_models import TransferPassenger, TransferRun  # noqa: E402, F401
