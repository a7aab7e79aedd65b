from django import forms

from .forms import DateInput
from .visa_models import Visa


class VisaForm(forms.ModelForm):
    """The organisers' record of a delegate's visa; `Visa.clean` checks the dates."""

    class Meta:
        model = Visa
        fields = ["status", "applied_on", "decided_on", "reference", "note"]
        widgets = {
            "applied_on": DateInput(),
            "decided_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
