"""Changes to what organisers write for the reports."""

from django.db import transaction
from django.forms import BaseInlineFormSet, ModelForm
from django.forms.models import construct_instance

from programs.models import Programme

from .models import ClosingReport


def save_closing_report(
    *, programme: Programme, form: ModelForm, quotes: BaseInlineFormSet
) -> ClosingReport:
    """Save the closing report's texts and its quotes together, from valid forms.

    Side effects: creates the programme's one ClosingReport on its first save, or locks the
    existing row, so that two organisers saving at once write one after the other into the same
    report (the last texts win; every quote is kept) instead of one failing on the constraint;
    saves the quotes.
    """
    with transaction.atomic():
        report, _created = ClosingReport.objects.select_for_update().get_or_create(
            programme=programme
        )
        report = construct_instance(form, report)
        report.save()
        quotes.instance = report
        quotes.save()
    return report
