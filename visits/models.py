from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from participants.models import Participant
from programs.models import Programme, in_current_language


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
    title_id = models.CharField(_("title (Indonesian)"), max_length=300, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_id = models.TextField(_("description (Indonesian)"), blank=True)
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
        _("speakers"), max_length=300, blank=True, help_text=_("Names and roles, as printed.")
    )
    participants = models.ManyToManyField(
        Participant, blank=True, related_name="sessions", verbose_name=_("participants")
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
    def title(self) -> str:
        return in_current_language(self.title_en, self.title_id)

    @property
    def description(self) -> str:
        return in_current_language(self.description_en, self.description_id)

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must be after the start.")
        if self.kind == self.Kind.SITE_VISIT and not self.site_id:
            errors["site"] = _("A site visit needs a site.")
        if errors:
            raise ValidationError(errors)
