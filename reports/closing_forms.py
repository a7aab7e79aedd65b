"""Forms of the closing-report and visa-letter pages."""

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from .models import ClosingReport, Quote

MAX_QUOTES = 30


class ClosingReportForm(forms.ModelForm):
    """What organisers write for the report: summary and outcomes in both languages, credits."""

    class Meta:
        model = ClosingReport
        fields = [
            "summary_en",
            "summary_id",
            "outcomes_en",
            "outcomes_id",
            "reporter",
            "photographer",
        ]
        widgets = {
            "summary_en": forms.Textarea(attrs={"rows": 5}),
            "summary_id": forms.Textarea(attrs={"rows": 5, "lang": "id"}),
            "outcomes_en": forms.Textarea(attrs={"rows": 4}),
            "outcomes_id": forms.Textarea(attrs={"rows": 4, "lang": "id"}),
        }
        help_texts = {
            "summary_en": _("What the programme was and did, for the first page of the report."),
            "reporter": _("Who wrote the report, credited at its end."),
            "photographer": _("Credited for the documentation photos."),
        }


class QuoteForm(forms.ModelForm):
    class Meta:
        model = Quote
        fields = ["speaker", "role", "text", "translation", "position"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "translation": forms.Textarea(attrs={"rows": 3}),
            "position": forms.NumberInput(attrs={"min": 0, "max": 999}),
        }
        labels = {"position": _("Order")}
        help_texts = {
            "translation": _("In English when the quote is in another language."),
            "position": _("Quotes are printed from the lowest number to the highest."),
        }


class BaseQuoteFormSet(BaseInlineFormSet):
    def get_queryset(self):
        return super().get_queryset().order_by("position", "pk")


QuoteFormSet = inlineformset_factory(
    ClosingReport,
    Quote,
    form=QuoteForm,
    formset=BaseQuoteFormSet,
    extra=1,
    max_num=MAX_QUOTES,
    validate_max=True,
    can_delete=False,
)
