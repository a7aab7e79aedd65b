"""ISO 3166-2 subdivisions of a country, from the data pycountry ships.

Kept apart from `programs.regions` so that models can name a subdivision without importing the
module that reads the provinces table.
"""

from functools import cache

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .countries import country_name


@cache
def subdivisions_of(country_code: str) -> tuple[tuple[str, str], ...]:
    """The first-level subdivisions (code, name) of a country, by name.

    Lower levels (the districts inside Sri Lanka's provinces, say) are places a participant
    types as a locality, as regencies and cities are in Indonesia.
    """
    found = pycountry.subdivisions.get(country_code=str(country_code).upper()) or []
    top = [s for s in found if not s.parent_code] or list(found)
    return tuple(sorted(((s.code, s.name) for s in top), key=lambda pair: pair[1].casefold()))


@cache
def subdivision_name(code: str) -> str:
    """The name of a subdivision by its ISO 3166-2 code; the code itself when unknown."""
    found = pycountry.subdivisions.get(code=code.upper()) if code else None
    return found.name if found else code


def region_name(province_name: str | None, subdivision: str) -> str:
    """The name of a recorded region: an Indonesian province's, else the subdivision's."""
    if province_name:
        return province_name
    return subdivision_name(subdivision) if subdivision else ""


def validate_subdivision_of(code: str, country_code: str) -> None:
    """Refuse a subdivision code that is not a region of the country (`subdivisions_of`)."""
    if code and code not in dict(subdivisions_of(str(country_code))):
        error = ValidationError(
            _("“%(code)s” is not a region of %(country)s."),
            params={"code": code, "country": country_name(str(country_code))},
        )
        raise ValidationError({"subdivision": error})
