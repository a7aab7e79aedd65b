"""The columns of participant files, shared by the template, the import and the export.

One definition (`COLUMNS`) drives all three, so a file exported from the list imports back
unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_countries import countries as all_countries

from programs.models import MemberCountry, Programme

from .models import Participant, travel_window
from .spreadsheets import DATE_FORMAT

# Indonesian names of the Colombo Plan's members, accepted besides codes and English names.
INDONESIAN_COUNTRY_NAMES = {
    "AF": "Afganistan",
    "AU": "Australia",
    "BD": "Bangladesh",
    "BT": "Bhutan",
    "BN": "Brunei Darussalam",
    "FJ": "Fiji",
    "IN": "India",
    "ID": "Indonesia",
    "IR": "Iran",
    "JP": "Jepang",
    "KR": "Korea Selatan",
    "LA": "Laos",
    "MY": "Malaysia",
    "MV": "Maladewa",
    "MN": "Mongolia",
    "MM": "Myanmar",
    "NP": "Nepal",
    "NZ": "Selandia Baru",
    "PK": "Pakistan",
    "PG": "Papua Nugini",
    "PH": "Filipina",
    "SA": "Arab Saudi",
    "SG": "Singapura",
    "LK": "Sri Lanka",
    "TH": "Thailand",
    "US": "Amerika Serikat",
    "VN": "Vietnam",
}
# Names people commonly write that differ from the English names of django-countries.
COUNTRY_ALIASES = {
    "BN": ["Brunei Darussalam"],
    "IR": ["Iran (Islamic Republic of)", "Islamic Republic of Iran"],
    "KR": ["Korea", "Republic of Korea", "Korea, Republic of", "Republik Korea"],
    "LA": ["Lao PDR", "Lao People's Democratic Republic"],
    "US": ["United States", "USA", "America"],
    "VN": ["Viet Nam"],
}


@dataclass(frozen=True)
class Column:
    """One column of the participant files; `key` is the Participant field it fills."""

    key: str
    label: Promise
    kind: str = "text"  # text, choice, country, nationality, province, email, passport, date…
    required: bool = False
    in_template: bool = True


COLUMNS: tuple[Column, ...] = (
    Column("category", gettext_lazy("Category"), "category", required=True),
    Column("status", gettext_lazy("Status"), "status"),
    Column("full_name", gettext_lazy("Full name (as in passport)"), required=True),
    Column("full_name_latin", gettext_lazy("Full name in Latin script")),
    Column("certificate_name", gettext_lazy("Name on certificates")),
    Column("gender", gettext_lazy("Gender"), "gender"),
    Column("country", gettext_lazy("Country"), "country"),
    Column("province", gettext_lazy("Province"), "province"),
    Column("region", gettext_lazy("Region (province, regency or city)")),
    Column("position", gettext_lazy("Position")),
    Column("institution", gettext_lazy("Institution")),
    Column("email", gettext_lazy("E-mail"), "email"),
    Column("phone", gettext_lazy("Phone")),
    Column("nationality", gettext_lazy("Nationality"), "nationality"),
    Column("passport_number", gettext_lazy("Passport number"), "passport"),
    Column("passport_expiry", gettext_lazy("Passport expiry (YYYY-MM-DD)"), "date"),
    Column("date_of_birth", gettext_lazy("Date of birth (YYYY-MM-DD)"), "birth_date"),
    Column("place_of_birth", gettext_lazy("Place of birth")),
    Column("arrival_at", gettext_lazy("Arrival (YYYY-MM-DD HH:MM)"), "datetime"),
    Column("departure_at", gettext_lazy("Departure (YYYY-MM-DD HH:MM)"), "datetime"),
    Column("arrival_details", gettext_lazy("Arrival flight or transport")),
    Column("departure_details", gettext_lazy("Departure flight or transport")),
    Column("accommodation", gettext_lazy("Accommodation")),
    Column("dietary_needs", gettext_lazy("Dietary needs")),
    Column("accessibility_needs", gettext_lazy("Accessibility needs")),
    Column("emergency_contact_name", gettext_lazy("Emergency contact name")),
    Column("emergency_contact_phone", gettext_lazy("Emergency contact phone")),
    Column("emergency_contact_relation", gettext_lazy("Emergency contact relation")),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
TEMPLATE_COLUMNS = tuple(column for column in COLUMNS if column.in_template)
EXPORT_COLUMNS = COLUMNS
MAX_LENGTHS = {
    column.key: Participant._meta.get_field(column.key).max_length
    for column in COLUMNS
    if column.kind in ("text", "email", "passport")
}


def column_label(key: str) -> str:
    return str(COLUMN_BY_KEY[key].label)


def comparable(text: str) -> str:
    """A header or choice as compared: case-insensitive, spacing collapsed."""
    return " ".join(text.split()).casefold()


def without_note(label: str) -> str:
    """'Arrival (YYYY-MM-DD HH:MM)' → 'Arrival', so shortened headers match too."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", label)


def _in_languages(text: Promise) -> set[str]:
    names = {str(text)}
    for language in ("en", "id"):
        with translation.override(language):
            names.add(str(text))
    return names


def header_aliases() -> dict[str, str]:
    """Every accepted spelling of each column heading (normalised) → column key."""
    aliases: dict[str, str] = {}
    for column in COLUMNS:
        verbose = Participant._meta.get_field(column.key).verbose_name
        names = {column.key, column.key.replace("_", " ")}
        names |= _in_languages(column.label) | _in_languages(verbose)
        for name in names:
            aliases.setdefault(comparable(name), column.key)
            aliases.setdefault(comparable(without_note(name)), column.key)
    aliases.setdefault("e-mail address", "email")
    aliases.setdefault("email address", "email")
    return aliases


def choice_lookup(choices: type) -> dict[str, str]:
    """Value or label (English or Indonesian), normalised → value."""
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[comparable(value)] = value
        for name in _in_languages(label):
            lookup.setdefault(comparable(name), value)
    return lookup


def choice_values(choices: type) -> str:
    return ", ".join(value for value in choices.values)


def member_country_lookup() -> dict[str, tuple[str, MemberCountry]]:
    """Every accepted spelling (normalised) → (ISO code, member country)."""
    lookup: dict[str, tuple[str, MemberCountry]] = {}
    for member in MemberCountry.objects.all():
        code = member.country.code
        names = [code, all_countries.alpha3(code), member.country.name]
        names += [INDONESIAN_COUNTRY_NAMES.get(code, "")] + COUNTRY_ALIASES.get(code, [])
        with translation.override("en"):
            names.append(str(member.country.name))
        lookup[code] = (code, member)
        for name in names:
            if name:
                lookup.setdefault(comparable(name), (code, member))
    return lookup


def nationality_lookup() -> dict[str, str]:
    """Every accepted spelling of any country (normalised) → ISO code."""
    lookup: dict[str, str] = {}
    with translation.override("en"):
        for country in all_countries:
            lookup[comparable(country.code)] = country.code
            lookup.setdefault(comparable(country.name), country.code)
            alpha3 = all_countries.alpha3(country.code)
            if alpha3:
                lookup.setdefault(comparable(alpha3), country.code)
    for code, name in INDONESIAN_COUNTRY_NAMES.items():
        lookup.setdefault(comparable(name), code)
    for code, names in COUNTRY_ALIASES.items():
        for name in names:
            lookup.setdefault(comparable(name), code)
    return lookup


def accepted_values(column: Column, programme: Programme) -> str:
    """What a column accepts, for the template's instructions and the upload page."""
    kind = column.kind
    if kind == "category":
        return _choice_help(Participant.Category)
    if kind == "status":
        return _("%(choices)s. Empty means invited.") % {
            "choices": _choice_help(Participant.Status)
        }
    if kind == "gender":
        return _choice_help(Participant.Gender)
    if kind == "country":
        return _(
            "Two-letter ISO code or English name of a member country of the Colombo Plan "
            "(list below). Required for international delegates."
        )
    if kind == "nationality":
        return _("Two-letter ISO code or English name of any country.")
    if kind == "province":
        return _(
            "Name of a region of %(country)s (list below). Domestic representatives need a "
            "region or a locality."
        ) % {"country": programme.host_country_name}
    if kind == "email":
        return _(
            "An e-mail address, once per file. A participant already registered with this "
            "address is updated: filled cells replace the old values, empty cells keep them."
        )
    if kind == "passport":
        return _("Each passport once per programme.")
    if kind == "date":
        return _("YYYY-MM-DD, not before the programme's last day (%(end)s).") % {
            "end": programme.end_date.strftime(DATE_FORMAT)
        }
    if kind == "birth_date":
        return _("YYYY-MM-DD, a day in the past.")
    if kind == "datetime":
        return _(
            "YYYY-MM-DD HH:MM in the programme's time zone (%(zone)s), between %(first)s and "
            "%(last)s."
        ) % {
            "zone": programme.time_zone,
            "first": travel_window(programme)[0].strftime(DATE_FORMAT),
            "last": travel_window(programme)[1].strftime(DATE_FORMAT),
        }
    return ngettext(
        "Text, at most %(count)d character.",
        "Text, at most %(count)d characters.",
        MAX_LENGTHS[column.key],
    ) % {"count": MAX_LENGTHS[column.key]}


def _choice_help(choices: type) -> str:
    return "; ".join(f"{value} ({label})" for value, label in choices.choices)
