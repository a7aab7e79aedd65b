"""The selection page's filters and the decision form."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from programs.models import Delegation

from .choices import Category, Gender, InstitutionType
from .models import Nomination, NominationCall
from .selection import DECISIONS


class DelegationChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj: Delegation) -> str:
        return obj.origin


class DelegationFilter(django_filters.ModelChoiceFilter):
    field_class = DelegationChoiceField


class NominationFilter(django_filters.FilterSet):
    """Narrow the call's nominations down while selecting."""

    delegation = DelegationFilter(label=_("Country or region"), queryset=Delegation.objects.none())
    gender = django_filters.ChoiceFilter(label=_("Gender"), choices=Gender.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    institution_type = django_filters.ChoiceFilter(
        label=_("Institution type"), choices=InstitutionType.choices
    )
    status = django_filters.ChoiceFilter(label=_("Decision"), choices=Nomination.Status.choices)

    class Meta:
        model = Nomination
        fields: list[str] = []

    def __init__(self, *args, call: NominationCall, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["delegation"].queryset = call.programme.delegations.select_related(
            "country", "province"
        )


class DecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[(status.value, status.label) for status in DECISIONS],
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_("For the record; the e-mails do not include it."),
    )
