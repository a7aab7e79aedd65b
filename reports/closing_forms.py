"""Forms of the closing-report and visa-letter pages."""

from typing import Any

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from programs.languages import label_local_fields

from .models import ClosingReport, Quote

MAX_QUOTES = 30


class ClosingReportForm(forms.ModelForm):
    """What organisers write for the report: summary and outcomes in both languages, credits."""

    class Meta:
        model = ClosingReport
        fields = [
            "summary_en",
            "summary_local",
            "outcomes_en",
            "outcomes_local",
            "reporter",
            "photographer",
            "include_allowance_annex",
        ]
        widgets = {
            "summary_en": forms.Textarea(attrs={"rows": 5}),
            "summary_local": forms.Textarea(attrs={"rows": 5}),
            "outcomes_en": forms.Textarea(attrs={"rows": 4}),
            "outcomes_local": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "summary_en": _("What the programme was and did, for the first page of the report."),
            "reporter": _("Who wrote the report, credited at its end."),
            "photographer": _("Credited for the documentation photos."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label_local_fields(
            self,
            {
                "summary_local": _("Summary (%(language)s)"),
                "outcomes_local": _("Outcomes and next steps (%(language)s)"),
            },
            self.instance.programme.content_language,
        )


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
