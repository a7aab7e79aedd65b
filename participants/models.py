from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext_lazy as _

from programs.models import MemberCountry, Programme


class Participant(models.Model):
    """A person taking part in one programme; with a linked account they are a delegate."""

    class Category(models.TextChoices):
        INTERNATIONAL = "international", _("International delegate")
        DOMESTIC = "domestic", _("Domestic representative")
        SPEAKER = "speaker", _("Speaker / resource person")
        OBSERVER = "observer", _("Observer")
        ORGANISING_STAFF = "organising_staff", _("Organising staff")

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        CONFIRMED = "confirmed", _("Confirmed")
        ARRIVED = "arrived", _("Arrived")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        DECLINED = "declined", _("Declined")

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other / prefer not to say")

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("programme"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("account"),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.INVITED
    )
    full_name = models.CharField(
        _("full name"), max_length=200, help_text=_("As in the passport, in any script.")
    )
    full_name_latin = models.CharField(
        _("full name in Latin script"),
        max_length=200,
        blank=True,
        help_text=_("Transliteration, when the full name is in another script."),
    )
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    country = models.ForeignKey(
        MemberCountry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
        verbose_name=_("member country"),
    )
    region = models.CharField(
        _("province, regency or city"),
        max_length=120,
        blank=True,
        help_text=_("For domestic participants: the region they represent."),
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        # Latin name first so that lists read alphabetically whatever the native script.
        ordering = [
            Coalesce(NullIf("full_name_latin", models.Value("")), "full_name").asc(),
            "full_name",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "email"],
                condition=~models.Q(email=""),
                name="one_participant_per_email_per_programme",
            ),
            models.UniqueConstraint(
                fields=["programme", "user"],
                condition=models.Q(user__isnull=False),
                name="one_participant_per_account_per_programme",
            ),
        ]
        indexes = [models.Index(fields=["programme", "category", "status"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The Latin name (readable by everyone) with the native one when they differ."""
        if self.full_name_latin and self.full_name_latin != self.full_name:
            return f"{self.full_name_latin} ({self.full_name})"
        return self.full_name

    @property
    def origin(self) -> str:
        if self.category == self.Category.DOMESTIC or not self.country_id:
            return self.region
        return str(self.country)

    def clean(self) -> None:
        if self.category == self.Category.INTERNATIONAL and not self.country_id:
            raise ValidationError({"country": _("An international delegate needs a country.")})
        if self.category == self.Category.DOMESTIC and not self.region:
            raise ValidationError(
                {"region": _("A domestic representative needs a province, regency or city.")}
            )
