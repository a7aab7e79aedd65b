"""The regions of a host country, which domestic participants and delegations represent.

Indonesia keeps its provinces (the `Province` table, Kemendagri codes), with a typed regency or
city; any other host has its ISO 3166-2 subdivisions, with a typed locality. Forms, the
delegations page, the import, filters, the dashboard and documents all ask this module.
"""

import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .countries import country_name
from .models import MemberCountry, Province
from .subdivisions import subdivisions_of

# The host whose regions are the provinces table rather than ISO 3166-2 subdivisions.
PROVINCES_HOST = "ID"


@dataclass(frozen=True)
class Region:
    """A region of a host: its code (Kemendagri or ISO 3166-2) and name."""

    code: str
    name: str
    province: Province | None = None

    @property
    def fields(self) -> dict:
        """The values of the `province` and `subdivision` fields that record this region."""
        if self.province is not None:
            return {"province": self.province, "subdivision": ""}
        return {"province": None, "subdivision": self.code}


def uses_provinces(host_country: object) -> bool:
    return str(host_country).upper() == PROVINCES_HOST


def regions_of(host_country: object) -> list[Region]:
    """Every region of the host country, by name."""
    if uses_provinces(host_country):
        return [Region(p.code, p.name, p) for p in Province.objects.order_by("name")]
    return [Region(code, name) for code, name in subdivisions_of(str(host_country))]


def _comparable(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().replace("-", " ").split())


# Words that people add to or leave out of a region's name: "Western" is "Western Province",
# "Provinsi Bali" is "Bali".
_REGION_WORDS = ("province", "provinsi", "region", "state")


def _spellings(name: str) -> set[str]:
    words = _comparable(name).split()
    plain = [w for w in words if w not in _REGION_WORDS]
    return {" ".join(words), " ".join(plain)} - {""}


class RegionFinder:
    """Resolves typed names and codes to regions of one host, with the regions read once."""

    def __init__(self, host_country: object) -> None:
        self.host_country = str(host_country).upper()
        self.regions = regions_of(self.host_country)
        self._lookup: dict[str, Region] = {}
        for region in self.regions:
            # ISO codes are accepted whole ("LK-1") and without the country ("1").
            self._lookup.setdefault(_comparable(region.code), region)
            self._lookup.setdefault(_comparable(region.code.split("-")[-1]), region)
        for region in self.regions:
            for spelling in _spellings(region.name):
                self._lookup[spelling] = region

    def find(self, text: str) -> Region | None:
        """The region named or coded by `text`, or None."""
        for spelling in _spellings(text) or {""}:
            if spelling in self._lookup:
                return self._lookup[spelling]
        return None

    def get(self, code: str) -> Region | None:
        """The region with exactly this code, or None."""
        return next((region for region in self.regions if region.code == code), None)


def find_region(host_country: object, text: str) -> Region | None:
    """The region of the host that `text` names (its name or code, any case), or None."""
    return RegionFinder(host_country).find(text)


def host_member_country(host_country: object) -> MemberCountry:
    """The member country row of the host, added when missing: domestic participants carry it
    so that every count of countries includes the host."""
    member, _created = MemberCountry.objects.get_or_create(country=str(host_country).upper())
    return member


def regions_phrase(host_country: object) -> str:
    """What domestic participants represent, in the active language: "regions of Sri Lanka"."""
    name = country_name(str(host_country).upper())
    if uses_provinces(host_country):
        return _("provinces, regencies and cities of %(country)s") % {"country": name}
    return _("regions of %(country)s") % {"country": name}
