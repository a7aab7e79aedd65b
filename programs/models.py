import re
import zoneinfo
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .api_token_models import ApiToken  # noqa: F401 (models of the app are registered from here)
from .countries import country_name
from .languages import DEFAULT_CONTENT_LANGUAGE, content_language_choices
from .privacy import (
    DEFAULT_PRIVACY_NOTICE_LANGUAGE,
    default_privacy_notice_en,
    default_privacy_notice_id,
)
from .sdg import Goal, goals_with_targets, targets
from .subdivisions import region_name, validate_subdivision_of
from .visa_wording import default_visa_funding_statement


def in_current_language(local: str, language: str, english: str) -> str:
    """The text in the programme's own `language` when the page is in it and one was given.

    Any other page (and a page in that language when the local text is empty) shows English.
    """
    active = (get_language() or "").lower()
    if local and (active == language or active.split("-")[0] == language):
        return local
    return english


def in_programme_language(item: Any, local: str, english: str) -> str:
    """`in_current_language` for a row of a programme (an agenda item, a question).

    `item.content_language` is read only when it could matter: a local text on a page in
    another language than English. Rows listed through `programme.<related>.all()` or with
    `select_related("programme")` carry it already, so lists cost no extra query.
    """
    if not local or (get_language() or "en").startswith("en"):
        return english
    return in_current_language(local, item.content_language, english)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


def validate_sdg_targets(value: object) -> None:
    known = targets()
    if not isinstance(value, list) or any(code not in known for code in value):
        raise ValidationError(_("Choose targets from the list of SDG targets."))


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


class Province(models.Model):
    """An Indonesian province (38 since 2022), with its Kemendagri code."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# Passports, travel, needs and emergency contacts serve the programme only: they are purged this
# long after its last day unless organisers choose another date.
PERSONAL_DATA_KEPT_FOR = timedelta(days=90)


def programme_logo_path(programme: "Programme", filename: str) -> str:
    return f"programmes/{programme.slug}/logo.jpg"


class ProgrammeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)


class Programme(models.Model):
    """A knowledge-sharing programme: one event of a few days with its own people and agenda."""

    slug = models.SlugField(_("slug"), unique=True, max_length=60)
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_local = models.CharField(_("title (host language)"), max_length=300, blank=True)
    short_name_en = models.CharField(_("short name (English)"), max_length=40)
    short_name_local = models.CharField(_("short name (host language)"), max_length=40, blank=True)
    theme_en = models.CharField(_("theme (English)"), max_length=300, blank=True)
    theme_local = models.CharField(_("theme (host language)"), max_length=300, blank=True)
    # Content is written in English and in this language; the interface has its own languages.
    content_language = models.CharField(
        _("host language"),
        max_length=10,
        choices=content_language_choices,
        default=DEFAULT_CONTENT_LANGUAGE,
        help_text=_("The language of the host, in which texts may be given besides English."),
    )
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
    # Domestic participants come from the host country and represent one of its regions.
    host_country = CountryField(_("host country"), default="ID")
    expected_international = models.PositiveIntegerField(
        _("expected international delegates"), default=0
    )
    expected_domestic = models.PositiveIntegerField(
        _("expected domestic representatives"), default=0
    )
    expected_other = models.PositiveIntegerField(
        _("expected speakers, observers and staff"), default=0
    )
    logo = models.ImageField(_("logo"), upload_to=programme_logo_path, blank=True)
    # Practical information for delegates, written by organisers (free text, any language).
    venue_details = models.TextField(_("venue"), blank=True)
    hotel_details = models.TextField(_("hotel"), blank=True)
    contacts = models.TextField(_("contacts"), blank=True)
    emergency_numbers = models.TextField(_("emergency numbers"), blank=True)
    dress_code = models.TextField(_("dress code"), blank=True)
    personal_data_kept_until = models.DateField(
        _("personal data kept until"),
        null=True,
        blank=True,
        help_text=_(
            "Passport details, travel, needs and emergency contacts are deleted after this day. "
            "Leave empty for 90 days after the last day."
        ),
    )
    # Shown when a delegate accepts their invitation, and on their privacy page at any time.
    privacy_notice_en = models.TextField(
        _("privacy notice (English)"), default=default_privacy_notice_en
    )
    privacy_notice_local = models.TextField(
        _("privacy notice (host language)"), default=default_privacy_notice_id, blank=True
    )
    invitation_reminder_days = models.PositiveSmallIntegerField(
        _("invitation reminder after (days)"),
        default=0,
        help_text=_(
            "Invited people who have not answered are reminded after this many days, and "
            "again after as many more, three times at most. 0: no reminders."
        ),
    )
    # Visa support letters: who issues and signs them and what they say besides the
    # delegate's passport details.
    visa_issuing_authority = models.CharField(
        _("issuing authority"),
        max_length=200,
        blank=True,
        help_text=_("Who invites the delegates on the letterhead. Leave empty for the host."),
    )
    visa_signatory_name = models.CharField(_("signatory's name"), max_length=200, blank=True)
    visa_signatory_title = models.CharField(
        _("signatory's title"),
        max_length=200,
        blank=True,
        help_text=_(
            "Usually a director. Leave the name empty to sign with the first signatory of "
            "the certificates, or in the issuing authority's name."
        ),
    )
    visa_funding_statement = models.TextField(
        _("funding statement"),
        default=default_visa_funding_statement,
        blank=True,
        help_text=_("Who pays travel, accommodation and allowances, as the letters state it."),
    )
    visa_show_stay_dates = models.BooleanField(
        _("print the period of stay"),
        default=True,
        help_text=_("The delegate's arrival and departure when recorded, else the programme's."),
    )
    visa_show_birth_details = models.BooleanField(
        _("print date and place of birth"),
        default=True,
        help_text=_("Only for the delegates whose date or place of birth is recorded."),
    )
    # Airport transfers: arrivals landing within this many minutes of a group's first one are
    # proposed one pick-up (visits.transfers.propose_runs).
    pickup_window_minutes = models.PositiveSmallIntegerField(
        _("pick-up window (minutes)"),
        default=60,
        help_text=_(
            "Delegates landing (or flying out) within this many minutes of each other at the "
            "same airport are proposed one pick-up."
        ),
    )
    # Codes of the Sustainable Development Goal targets the programme serves ("4.6", "16.10").
    sdg_targets = models.JSONField(
        _("SDG targets"),
        default=list,
        blank=True,
        validators=[validate_sdg_targets],
        help_text=_("The Sustainable Development Goal targets the programme serves."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    objects = ProgrammeQuerySet.as_manager()

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

    def save(self, *args: object, **kwargs: object) -> None:
        # The default local privacy notice is Indonesian: a programme written in another
        # language starts without one (delegates then read the English notice).
        if (
            self._state.adding
            and self.content_language != DEFAULT_PRIVACY_NOTICE_LANGUAGE
            and self.privacy_notice_local == default_privacy_notice_id()
        ):
            self.privacy_notice_local = ""
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The last day cannot be before the first day.")})
        kept_until = self.personal_data_kept_until
        if kept_until and self.end_date and kept_until < self.end_date:
            raise ValidationError(
                {
                    "personal_data_kept_until": _(
                        "Personal data is needed until the last day: choose that day or later."
                    )
                }
            )

    @property
    def title(self) -> str:
        return in_current_language(self.title_local, self.content_language, self.title_en)

    @property
    def short_name(self) -> str:
        return in_current_language(self.short_name_local, self.content_language, self.short_name_en)

    @property
    def theme(self) -> str:
        return in_current_language(self.theme_local, self.content_language, self.theme_en)

    @property
    def privacy_notice(self) -> str:
        return in_current_language(
            self.privacy_notice_local, self.content_language, self.privacy_notice_en
        )

    @property
    def host_name(self) -> str:
        """The host with its short name in parentheses, never two pairs in a row.

        A name that already ends in parentheses takes the short name inside them
        ("National Library (Perpustakaan Nasional, Perpusnas)"); a name that already carries
        the short name is left as it is.
        """
        name = self.host_institution.strip()
        short = self.host_short_name.strip()
        if not short or re.search(rf"\b{re.escape(short)}\b", name, re.IGNORECASE):
            return name
        if name.endswith(")") and "(" in name:
            return f"{name[:-1]}, {short})"
        return f"{name} ({short})"

    @property
    def visa_authority(self) -> str:
        """Who issues the visa support letters: the organisers' choice, else the host."""
        return self.visa_issuing_authority.strip() or self.host_institution

    @property
    def host_country_name(self) -> str:
        """The host country's name in the language of the page."""
        return country_name(self.host_country.code)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def expected_total(self) -> int:
        return self.expected_international + self.expected_domestic + self.expected_other

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def partner_list(self) -> list[str]:
        return [line.strip() for line in self.partners.splitlines() if line.strip()]

    @property
    def personal_data_until(self) -> date:
        """The last day personal data is kept: the organisers' date, or 90 days after the end."""
        return self.personal_data_kept_until or self.end_date + PERSONAL_DATA_KEPT_FOR

    @property
    def sdg_goals(self) -> list[Goal]:
        """The goals the programme serves, each with its chosen targets, in the UN's order."""
        return goals_with_targets(self.sdg_targets)

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


def country_field(*, related_name: str) -> models.ForeignKey:
    """Where an international delegate or delegation comes from (empty for domestic ones)."""
    return models.ForeignKey(
        MemberCountry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=_("member country"),
    )


def province_field(*, related_name: str) -> models.ForeignKey:
    """The Indonesian province a domestic delegate or delegation comes from."""
    return models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=_("province"),
    )


def subdivision_field() -> models.CharField:
    return models.CharField(
        _("region"),
        max_length=6,
        blank=True,
        help_text=_("ISO 3166-2 code of a region of a host country other than Indonesia."),
    )


class Delegation(models.Model):
    """Seats offered to one invited member country, or to one region of the host country.

    International delegations name a member country; domestic ones a region of the host
    (an Indonesian province, or an ISO 3166-2 subdivision elsewhere; see `programs.regions`)
    and optionally the locality (typed) that holds the seats.
    """

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="delegations", verbose_name=_("programme")
    )
    country = country_field(related_name="delegations")
    province = province_field(related_name="delegations")
    subdivision = subdivision_field()
    locality = models.CharField(
        _("regency, city or locality"),
        max_length=120,
        blank=True,
        help_text=_("Leave empty when the seats belong to the region itself."),
    )
    seats = models.PositiveIntegerField(_("seats"), default=1)
    reserves = models.PositiveIntegerField(
        _("reserves"),
        default=1,
        help_text=_("Candidates kept in reserve, who take a seat when a selected one withdraws."),
    )
    nominating_agency = models.CharField(_("nominating agency"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["country", "province__name", "subdivision", "locality"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        country__isnull=False, province__isnull=True, subdivision="", locality=""
                    )
                    | models.Q(country__isnull=True, province__isnull=False, subdivision="")
                    | (
                        models.Q(country__isnull=True, province__isnull=True)
                        & ~models.Q(subdivision="")
                    )
                ),
                name="delegation_is_country_or_region",
            ),
            models.UniqueConstraint(
                fields=["programme", "country"],
                condition=models.Q(country__isnull=False),
                name="one_delegation_per_country",
            ),
            models.UniqueConstraint(
                fields=["programme", "province", "locality"],
                condition=models.Q(province__isnull=False),
                name="one_delegation_per_region",
            ),
            models.UniqueConstraint(
                fields=["programme", "subdivision", "locality"],
                condition=~models.Q(subdivision=""),
                name="one_delegation_per_subdivision",
            ),
        ]

    def __str__(self) -> str:
        return self.origin

    @property
    def is_domestic(self) -> bool:
        return self.country_id is None

    @property
    def region_name(self) -> str:
        """The name of the host's region (province or subdivision) holding the seats."""
        return region_name(self.province.name if self.province_id else None, self.subdivision)

    @property
    def origin(self) -> str:
        if self.country_id:
            return str(self.country)
        if self.locality:
            return f"{self.locality} ({self.region_name})"
        return self.region_name

    def clean(self) -> None:
        if self.programme_id:
            validate_subdivision_of(self.subdivision, self.programme.host_country)
        has_region = bool(self.province_id or self.subdivision)
        if bool(self.country_id) == has_region:
            raise ValidationError(
                _("Choose either a member country or a region of the host country.")
            )
        if self.country_id and self.locality:
            raise ValidationError(
                {"locality": _("A regency or city only applies to a domestic delegation.")}
            )


class FocalPoint(models.Model):
    """A user who nominates candidates for one delegation: the member country's focal point.

    Focal points are not members of the programme's team: they see the programme's public
    information and their own delegation's nominations, nothing else.
    """

    delegation = models.ForeignKey(
        Delegation,
        on_delete=models.CASCADE,
        related_name="focal_points",
        verbose_name=_("delegation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="focal_points",
        verbose_name=_("user"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    invited_at = models.DateTimeField(_("invited at"), auto_now_add=True)

    class Meta:
        verbose_name = _("focal point")
        verbose_name_plural = _("focal points")
        constraints = [
            models.UniqueConstraint(fields=["delegation", "user"], name="one_focal_point_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.delegation}"


class Announcement(models.Model):
    """A message from the organisers to everyone in a programme."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="announcements",
        verbose_name=_("programme"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title


from .webhook_models import Webhook, WebhookDelivery  # noqa: E402, F401 (registered here too)
