"""Forms of the allowance pages: a category's rate, a day's meals, a payment."""

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from programs.models import Programme
from programs.money import is_currency_code

from .allowance_models import AllowancePayment, AllowanceRate, MealProvision
from .models import travel_window


class AllowanceRateForm(forms.ModelForm):
    """The rate of one category: saving it for a category that has one replaces it."""

    class Meta:
        model = AllowanceRate
        fields = ["category", "currency", "amount", "basis"]
        widgets = {"currency": forms.TextInput(attrs={"size": 4, "autocapitalize": "characters"})}

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["amount"].min_value = Decimal("0.01")

    def clean_currency(self) -> str:
        code = self.cleaned_data["currency"].strip().upper()
        if not is_currency_code(code):
            raise forms.ValidationError(
                _("“%(code)s” is not an ISO 4217 currency code. Use three letters, e.g. IDR, USD."),
                params={"code": code},
            )
        return code

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        if amount is None or amount <= 0:
            raise forms.ValidationError(_("The amount must be more than zero."))
        return amount

    def validate_unique(self) -> None:
        # One rate per category: saving replaces the category's rate (see `save_rate`).
        pass


class MealProvisionForm(forms.ModelForm):
    """A date on which meals are provided: saving it for a date that has one replaces it."""

    class Meta:
        model = MealProvision
        fields = ["date", "reduction_percent", "note"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "reduction_percent": forms.NumberInput(attrs={"min": 0, "max": 100}),
        }
        help_texts = {
            "reduction_percent": _(
                "Taken off that day's allowance, e.g. 30 when lunch is provided."
            )
        }

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme

    def clean_date(self) -> date:
        day = self.cleaned_data["date"]
        first, last = travel_window(self.programme)
        if not first <= day <= last:
            raise forms.ValidationError(
                _("Choose a date between %(first)s and %(last)s, the programme's travel window.")
                % {"first": date_format(first, "j F Y"), "last": date_format(last, "j F Y")}
            )
        return day

    def clean_reduction_percent(self) -> int:
        percent = self.cleaned_data["reduction_percent"]
        if percent is None or not 0 <= percent <= 100:
            raise forms.ValidationError(_("The reduction is a percentage from 0 to 100."))
        return percent

    def validate_unique(self) -> None:
        pass


class AllowancePaymentForm(forms.ModelForm):
    """How the allowance was paid; the amount is computed, not typed."""

    class Meta:
        model = AllowancePayment
        fields = ["method", "reference", "note"]
