from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries import countries as all_countries

from programs.countries import country_name, name_sort_key
from programs.models import Delegation, Programme
from programs.subdivisions import region_name

from .models import INACTIVE_STATUSES, Invitation, Participant, StatusChange, by_readable_name


def counts_by_category(programme: Programme) -> list[dict]:
    """Each category's label and count of active participants, in the order of the choices."""
    counts = dict(
        active_participants(programme).values_list("category").annotate(n=Count("id")).order_by()
    )
    return [
        {"category": value, "label": label, "count": counts[value]}
        for value, label in Participant.Category.choices
        if counts.get(value)
    ]


@dataclass(frozen=True)
class CountriesRepresented:
    """The countries of a programme's active participants, the host's apart."""

    host: str
    host_represented: bool
    # The other countries, as ISO codes in alphabetical order.
    others: tuple[str, ...]

    @property
    def total(self) -> int:
        return len(self.others) + self.host_represented

    @property
    def host_name(self) -> str:
        return country_name(self.host)

    @property
    def other_names(self) -> list[str]:
        return sorted((country_name(code) for code in self.others), key=name_sort_key)

    @property
    def sentence(self) -> str:
        """For example: 7 countries represented: the host, Indonesia, and 6 other countries."""
        if not self.host_represented:
            return ngettext(
                "%(total)d country represented.", "%(total)d countries represented.", self.total
            ) % {"total": self.total}
        return ngettext(
            "%(total)d countries represented: the host, %(host)s, and %(others)d other country.",
            "%(total)d countries represented: the host, %(host)s, and %(others)d other countries.",
            len(self.others),
        ) % {"total": self.total, "host": self.host_name, "others": len(self.others)}


def count_countries(
    programme: Programme, origins: Iterable[tuple[str, str | None]]
) -> CountriesRepresented:
    """The one rule for counting countries, from (category, country code) of ACTIVE people.

    Every country of an active participant counts, the host's included; a domestic
    representative comes from the host even when no country was recorded for them.
    """
    host = programme.host_country.code
    codes = {
        code or (host if category == Participant.Category.DOMESTIC else "")
        for category, code in origins
    }
    codes.discard("")
    return CountriesRepresented(
        host=host, host_represented=host in codes, others=tuple(sorted(codes - {host}))
    )


def countries_represented(programme: Programme) -> CountriesRepresented:
    """Countries of the programme's active participants: one query."""
    origins = (
        active_participants(programme)
        .values_list("category", "country__country")
        .distinct()
        .order_by()
    )
    return count_countries(programme, origins)


DELEGATE_CATEGORIES = (Participant.Category.INTERNATIONAL, Participant.Category.DOMESTIC)
OTHER_CATEGORIES = (
    Participant.Category.SPEAKER,
    Participant.Category.OBSERVER,
    Participant.Category.ORGANISING_STAFF,
)


def active_participants(programme: Programme) -> QuerySet[Participant]:
    """Participants who count: everyone but the withdrawn and the declined."""
    return programme.participants.exclude(status__in=INACTIVE_STATUSES)


def departed_participants(programme: Programme) -> QuerySet[Participant]:
    """The withdrawn and declined, shown apart from those who count, in the order they left.

    Each has `left_on` and `left_reason`: the effective date and reason of the status change
    that made them so (the latest one to their current status), and `replaced_by` when
    someone took their seat. One query.
    """
    leaving = StatusChange.objects.filter(
        participant=OuterRef("pk"), to_status=OuterRef("status")
    ).order_by("-changed_at", "-pk")
    return (
        programme.participants.filter(status__in=INACTIVE_STATUSES)
        .select_related("country", "province", "replaced_by")
        .annotate(
            left_on=Subquery(leaving.values("effective_on")[:1]),
            left_reason=Subquery(leaving.values("reason")[:1]),
        )
        .order_by(F("left_on").asc(nulls_first=True), *by_readable_name())
    )


# What a one-line summary of a participant shows: name, category, status and origin.
SUMMARY_FIELDS = (
    "id",
    "programme_id",
    "category",
    "status",
    "full_name",
    "full_name_latin",
    "region",
    "country__id",
    "country__country",
    "province__id",
    "province__name",
    "subdivision",
)


def with_summary_fields(queryset: QuerySet[Participant], *extra: str) -> QuerySet[Participant]:
    """Only the columns of `SUMMARY_FIELDS` (country and province joined) and `extra`."""
    return queryset.select_related("country", "province").only(*SUMMARY_FIELDS, *extra)


def participant_list_queryset(queryset: QuerySet[Participant]) -> QuerySet[Participant]:
    """The columns of the participant list and nothing else, in a stable order.

    A secondary order on the primary key keeps pagination stable when the chosen sort has
    ties (many participants share a status or a category).
    """
    queryset = queryset.select_related(None).annotate(
        # "Invited" is said only once an invitation went out (participant.status_display).
        invitation_sent=Exists(Invitation.objects.filter(participant=OuterRef("pk")))
    )
    if queryset.query.order_by:
        queryset = queryset.order_by(*queryset.query.order_by, "pk")
    return with_summary_fields(queryset, "institution", "dietary_needs", "accessibility_needs")


def participant_for_detail(programme: Programme, pk: int) -> Participant | None:
    """One participant of the programme with what the detail page shows, or None."""
    return (
        programme.participants.filter(pk=pk)
        .select_related(
            "country",
            "province",
            "user",
            "invitation",
            "invitation__sent_by",
            "replaces",
            "replaced_by",
            "visa",
        )
        .first()
    )


def status_history(participant: Participant) -> QuerySet[StatusChange]:
    return participant.status_changes.select_related("changed_by")


@dataclass(frozen=True)
class DelegationQuota:
    """A delegation's seats against the active delegates registered for it."""

    delegation: Delegation
    registered: int

    @property
    def seats(self) -> int:
        return self.delegation.seats

    @property
    def is_over(self) -> bool:
        return self.registered > self.delegation.seats

    @property
    def excess(self) -> int:
        return max(self.registered - self.delegation.seats, 0)

    @property
    def free(self) -> int:
        return max(self.delegation.seats - self.registered, 0)


def _same_place(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def _delegation_takes(delegation: Delegation, origin: dict) -> bool:
    """Whether delegates from `origin` (a row of `_delegate_origins`) fill this delegation.

    International delegates fill their member country's seats. A domestic representative of a
    regency or city fills that locality's seats; one of the province itself (no region, or a
    region named "Provinsi …") fills the province's. Speakers, observers and staff take no
    delegation seat.
    """
    if delegation.country_id:
        return (
            origin["category"] == Participant.Category.INTERNATIONAL
            and origin["country_id"] == delegation.country_id
        )
    if origin["category"] != Participant.Category.DOMESTIC:
        return False
    region = origin["region"] or ""
    recorded = (origin["province_id"], origin["subdivision"])
    held_by = (delegation.province_id, delegation.subdivision)
    if delegation.locality:
        # The region names the locality; a province or subdivision, when given, must agree.
        return _same_place(region, delegation.locality) and recorded in ((None, ""), held_by)
    return recorded == held_by and (
        not region.strip() or region.strip().casefold().startswith("provinsi")
    )


def _delegate_origins(programme: Programme) -> list[dict]:
    """Active delegates counted per category, country, province and region: one query."""
    return list(
        active_participants(programme)
        .filter(category__in=DELEGATE_CATEGORIES)
        .values(
            "category",
            "country_id",
            "country__country",
            "province_id",
            "province__name",
            "subdivision",
            "region",
        )
        .annotate(n=Count("id"))
        .order_by()
    )


def _quotas(delegations: list[Delegation], origins: list[dict]) -> list[DelegationQuota]:
    return [
        DelegationQuota(
            delegation=delegation,
            registered=sum(row["n"] for row in origins if _delegation_takes(delegation, row)),
        )
        for delegation in delegations
    ]


def _delegations_of(programme: Programme) -> list[Delegation]:
    """Member countries, then regions of the host, each by the name shown.

    Sorted here rather than in SQL: databases disagree on where null countries go.
    """
    delegations = programme.delegations.select_related("country", "province")
    return sorted(delegations, key=lambda d: (d.is_domestic, d.origin.casefold()))


def delegation_quotas(programme: Programme) -> list[DelegationQuota]:
    """Every delegation of the programme with its registered count: two queries."""
    return _quotas(_delegations_of(programme), _delegate_origins(programme))


def delegation_quota_of(participant: Participant) -> DelegationQuota | None:
    """The quota of the delegation whose seats this participant fills, if there is one."""
    origin = {
        "category": participant.category,
        "country_id": participant.country_id,
        "province_id": participant.province_id,
        "subdivision": participant.subdivision,
        "region": participant.region,
    }
    for quota in delegation_quotas(participant.programme):
        if _delegation_takes(quota.delegation, origin):
            return quota
    return None


def _choice_rows(choices, counts: dict) -> list[dict]:
    return [
        {"value": value, "label": label, "count": counts.get(value, 0)} for value, label in choices
    ]


def dashboard_summary(programme: Programme) -> dict:
    """The dashboard's counts, in a fixed number of queries whatever the number of people.

    Queries: statuses of everyone; active people by category and gender; active people's
    needs; active delegates by origin; the countries represented; the delegations. Everything
    else is derived in Python.
    """
    status_counts = dict(
        programme.participants.values_list("status").annotate(n=Count("id")).order_by()
    )
    by_category_and_gender = list(
        active_participants(programme)
        .values("category", "gender")
        .annotate(n=Count("id"))
        .order_by()
    )
    needs = active_participants(programme).aggregate(
        dietary=Count("id", filter=~Q(dietary_needs="")),
        accessibility=Count("id", filter=~Q(accessibility_needs="")),
        any=Count("id", filter=~Q(dietary_needs="") | ~Q(accessibility_needs="")),
    )
    origins = _delegate_origins(programme)
    quotas = _quotas(_delegations_of(programme), origins)

    category_counts: dict[str, int] = defaultdict(int)
    gender_counts: dict[str, int] = defaultdict(int)
    for row in by_category_and_gender:
        category_counts[row["category"]] += row["n"]
        gender_counts[row["gender"]] += row["n"]

    others = _choice_rows([(c.value, c.label) for c in OTHER_CATEGORIES], category_counts)
    categories = [
        {
            "label": Participant.Category.INTERNATIONAL.label,
            "registered": category_counts[Participant.Category.INTERNATIONAL],
            "expected": programme.expected_international,
            "parts": [],
        },
        {
            "label": Participant.Category.DOMESTIC.label,
            "registered": category_counts[Participant.Category.DOMESTIC],
            "expected": programme.expected_domestic,
            "parts": [],
        },
        {
            "label": _("Speakers, observers and staff"),
            "registered": sum(row["count"] for row in others),
            "expected": programme.expected_other,
            "parts": [row for row in others if row["count"]],
        },
    ]

    countries: dict[str, int] = defaultdict(int)
    regions: dict[str, dict] = {}
    for row in origins:
        if row["category"] == Participant.Category.INTERNATIONAL:
            countries[row["country__country"] or ""] += row["n"]
        else:
            name = region_name(row["province__name"], row["subdivision"])
            entry = regions.setdefault(name, {"name": name, "count": 0, "regions": {}})
            entry["count"] += row["n"]
            region = row["region"].strip()
            if region:
                entry["regions"][region] = entry["regions"].get(region, 0) + row["n"]
    country_rows = sorted(
        (
            {"code": code, "name": str(all_countries.name(code)) if code else "", "count": n}
            for code, n in countries.items()
        ),
        key=lambda row: (-row["count"], row["name"]),
    )
    region_rows = sorted(
        (
            {
                "name": entry["name"],
                "count": entry["count"],
                "regions": sorted(entry["regions"].items()),
            }
            for entry in regions.values()
        ),
        key=lambda row: (-row["count"], row["name"]),
    )
    genders = _choice_rows(Participant.Gender.choices, gender_counts)
    if gender_counts.get(""):
        genders.append({"value": "", "label": _("Not recorded"), "count": gender_counts[""]})

    return {
        "statuses": _choice_rows(Participant.Status.choices, status_counts),
        "total": sum(status_counts.values()),
        "active_total": sum(category_counts.values()),
        "categories": categories,
        "expected_total": programme.expected_total,
        "countries": country_rows,
        "country_count": countries_represented(programme),
        "regions": region_rows,
        "genders": genders,
        "needs": needs,
        "quotas": quotas,
        "over_quota": [quota for quota in quotas if quota.is_over],
    }
