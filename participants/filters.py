"""Filtering, searching and sorting the participant list.

The list page and the export share this filter set, so an export contains exactly what the
list shows.
"""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from programs.countries import country_name, name_sort_key
from programs.models import MemberCountry, Programme
from programs.regions import regions_of

from .models import Participant, readable_name
from .visa_models import Visa
from .visas import VISA_STATUS


class ParticipantOrderingFilter(django_filters.OrderingFilter):
    """Sorting "by name" means by the name shown, not by the (often empty) Latin column."""

    def get_ordering_value(self, param: str):
        if param.lstrip("-") == "name":
            name = readable_name()
            return name.desc() if param.startswith("-") else name.asc()
        return super().get_ordering_value(param)


class CountryChoiceIterator(django_filters.fields.ModelChoiceIterator):
    def __iter__(self):
        # The blank choice comes first, before the query runs (the widget peeks at it);
        # its value is the only plain string.
        named = []
        for choice in super().__iter__():
            if isinstance(choice[0], str):
                yield choice
            else:
                named.append(choice)
        yield from sorted(named, key=lambda choice: name_sort_key(str(choice[1])))


class CountryChoiceField(django_filters.fields.ModelChoiceField):
    """Member countries named and sorted in the page's language, not by ISO code."""

    iterator = CountryChoiceIterator

    def label_from_instance(self, obj: MemberCountry) -> str:
        return country_name(obj.code)


class CountryFilter(django_filters.ModelChoiceFilter):
    field_class = CountryChoiceField


class ParticipantFilter(django_filters.FilterSet):
    NEEDS_CHOICES = [
        ("any", _("Any need")),
        ("dietary", _("Dietary needs")),
        ("accessibility", _("Accessibility needs")),
    ]

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Participant.Status.choices)
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=Participant.Category.choices
    )
    country = CountryFilter(label=_("Country"), queryset=MemberCountry.objects.all())
    region = django_filters.ChoiceFilter(label=_("Region"), method="filter_region")
    gender = django_filters.ChoiceFilter(label=_("Gender"), choices=Participant.Gender.choices)
    needs = django_filters.ChoiceFilter(
        label=_("Needs"), choices=NEEDS_CHOICES, method="filter_needs"
    )
    # International delegates only: domestic participants need no visa.
    visa = django_filters.ChoiceFilter(
        label=_("Visa"), choices=Visa.Status.choices, method="filter_visa"
    )
    sort = ParticipantOrderingFilter(
        label=_("Sort by"),
        fields=[
            ("full_name_latin", "name"),
            ("country", "country"),
            ("category", "category"),
            ("status", "status"),
            ("institution", "institution"),
            ("created_at", "created"),
        ],
        field_labels={
            "full_name_latin": _("Name"),
            "country": _("Country"),
            "category": _("Category"),
            "status": _("Status"),
            "institution": _("Institution"),
            "created_at": _("Registered"),
        },
    )

    class Meta:
        model = Participant
        fields: list[str] = []

    def __init__(self, *args, programme: Programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.regions = {region.code: region for region in regions_of(programme.host_country)}
        region_filter = self.filters["region"]
        region_filter.label = _("Region of %(country)s") % {"country": programme.host_country_name}
        region_filter.extra["choices"] = [
            (region.code, region.name) for region in self.regions.values()
        ]

    def filter_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        region = self.regions.get(value)
        return queryset.filter(**region.fields) if region else queryset

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(full_name__icontains=value)
            | Q(full_name_latin__icontains=value)
            | Q(certificate_name__icontains=value)
            | Q(institution__icontains=value)
            | Q(region__icontains=value)
            | Q(province__name__icontains=value)
            | Q(subdivision__in=self._subdivisions_named(value))
            | Q(email__icontains=value)
        )

    def _subdivisions_named(self, text: str) -> list[str]:
        folded = text.casefold()
        return [
            region.code
            for region in self.regions.values()
            if region.province is None and folded in region.name.casefold()
        ]

    def filter_needs(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "dietary":
            return queryset.exclude(dietary_needs="")
        if value == "accessibility":
            return queryset.exclude(accessibility_needs="")
        if value == "any":
            return queryset.exclude(dietary_needs="", accessibility_needs="")
        return queryset

    def filter_visa(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return (
            queryset.filter(category=Participant.Category.INTERNATIONAL)
            .alias(visa_status=VISA_STATUS)
            .filter(visa_status=value)
        )


def filter_participants(programme: Programme, params) -> ParticipantFilter:
    """The filter set for a programme's participants; `.qs` is the filtered queryset.

    Invalid parameters (an unknown status, say) are reported in `.errors` and the filter
    falls back to the unfiltered list rather than failing.
    """
    queryset = programme.participants.select_related("country", "province", "programme")
    return ParticipantFilter(params, queryset=queryset, programme=programme)
