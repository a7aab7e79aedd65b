"""Daily allowances: a rate per participant category, the days on which meals are provided,
and the record that a participant's allowance was paid. How much is due is computed by
`participants.allowances`; only the amount paid is stored, as it stood when it was paid."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from programs.models import Programme

from .choices import Category


class AllowanceRate(models.Model):
    """What one category of participant receives per day or per night, in one currency."""

    class Basis(models.TextChoices):
        PER_DAY = "day", _("Per day")
        PER_NIGHT = "night", _("Per night")

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="allowance_rates",
        verbose_name=_("programme"),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    currency = models.CharField(
        _("currency"), max_length=3, help_text=_("ISO 4217 code, e.g. IDR, USD, LKR.")
    )
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    basis = models.CharField(
        _("counted"), max_length=5, choices=Basis.choices, default=Basis.PER_DAY
    )

    class Meta:
        verbose_name = _("allowance rate")
        verbose_name_plural = _("allowance rates")
        ordering = ["programme", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "category"], name="one_allowance_rate_per_category"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="allowance_rate_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.amount} {self.currency}"


class MealProvision(models.Model):
    """A date on which the programme provides meals, and how much that takes off the day's
    allowance (lunch provided: 30 %)."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="meal_provisions",
        verbose_name=_("programme"),
    )
    date = models.DateField(_("date"))
    reduction_percent = models.PositiveSmallIntegerField(
        _("reduction (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("meal provision")
        verbose_name_plural = _("meal provisions")
        ordering = ["programme", "date"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "date"], name="one_meal_provision_a_day"),
            models.CheckConstraint(
                condition=models.Q(reduction_percent__lte=100), name="meal_reduction_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date}: -{self.reduction_percent} %"


class AllowancePayment(models.Model):
    """That a participant's allowance was paid: who paid it, when, how, and how much it was
    then (a later change of rate or travel does not change what was paid)."""

    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        TRANSFER = "transfer", _("Bank transfer")
        OTHER = "other", _("Other")

    participant = models.OneToOneField(
        "participants.Participant",
        on_delete=models.CASCADE,
        related_name="allowance_payment",
        verbose_name=_("participant"),
    )
    currency = models.CharField(_("currency"), max_length=3)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    # Days or nights, by the basis of the rate at the time.
    count = models.PositiveSmallIntegerField(_("days or nights"))
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("paid by"),
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    reference = models.CharField(
        _("reference"),
        max_length=60,
        blank=True,
        help_text=_("A receipt number or the bank transfer's reference."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("allowance payment")
        verbose_name_plural = _("allowance payments")

    def __str__(self) -> str:
        return f"{self.participant_id}: {self.amount} {self.currency}"
