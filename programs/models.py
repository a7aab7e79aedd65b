import zoneinfo
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


def in_current_language(english: str, indonesian: str) -> str:
    """The Indonesian text when the page is in Indonesian and one was given, else English."""
    if indonesian and (get_language() or "").startswith("id"):
        return indonesian
    return english


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


class MemberCountry(models.Model):
    """A member country of the Colombo Plan: reference data that organisers may edit."""

    country = CountryField(_("country"), unique=True)
    is_active = models.BooleanField(
        _("active member"), default=True, help_text=_("Clear when a country leaves.")
    )

    class Meta:
        verbose_name = _("member country")
        verbose_name_plural = _("member countries")
        ordering = ["country"]

    def __str__(self) -> str:
        return str(self.country.name)

    @property
    def code(self) -> str:
        return self.country.code


class Programme(models.Model):
    """A knowledge-sharing programme: one event of a few days with its own people and agenda."""

    slug = models.SlugField(_("slug"), unique=True, max_length=60)
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_id = models.CharField(_("title (Indonesian)"), max_length=300, blank=True)
    short_name_en = models.CharField(_("short name (English)"), max_length=40)
    short_name_id = models.CharField(_("short name (Indonesian)"), max_length=40, blank=True)
    theme_en = models.CharField(_("theme (English)"), max_length=300, blank=True)
    theme_id = models.CharField(_("theme (Indonesian)"), max_length=300, blank=True)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Jakarta", validators=[validate_time_zone]
    )
    host_institution = models.CharField(_("host institution"), max_length=200)
    host_short_name = models.CharField(_("host short name"), max_length=40, blank=True)
    host_address = models.CharField(_("host address"), max_length=300, blank=True)
    partners = models.TextField(_("partners"), blank=True, help_text=_("One per line."))
    cooperation_framework = models.TextField(_("cooperation framework"), blank=True)
    venue_city = models.CharField(_("venue city"), max_length=100)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-start_date", "title_en"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="programme_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.short_name

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The last day cannot be before the first day.")})

    @property
    def title(self) -> str:
        return in_current_language(self.title_en, self.title_id)

    @property
    def short_name(self) -> str:
        return in_current_language(self.short_name_en, self.short_name_id)

    @property
    def theme(self) -> str:
        return in_current_language(self.theme_en, self.theme_id)

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def partner_list(self) -> list[str]:
        return [line.strip() for line in self.partners.splitlines() if line.strip()]

    @property
    def duration_days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    def local_datetime(self, day: date, hour: int, minute: int = 0) -> datetime:
        """An aware datetime at a wall-clock time of the programme's time zone."""
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.tzinfo)

    def to_local(self, moment: datetime) -> datetime:
        return timezone.localtime(moment, self.tzinfo)


class ProgrammeMembership(models.Model):
    """Gives a user a role in one programme: organisers manage it, staff run its agenda."""

    class Role(models.TextChoices):
        ORGANISER = "organiser", _("Organiser")
        STAFF = "staff", _("Staff")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("programme")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="programme_memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("programme membership")
        verbose_name_plural = _("programme memberships")
        constraints = [
            models.UniqueConstraint(fields=["programme", "user"], name="one_role_per_programme")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.programme}"
