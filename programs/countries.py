"""Country names in the language of the page, and an order that readers of that language expect.

django-countries has no Indonesian catalogue, so the names come from the CLDR data that Babel
ships; a code CLDR does not know falls back to django-countries' English name.
"""

import unicodedata

from babel import Locale, UnknownLocaleError
from django.utils.translation import get_language
from django_countries import countries


def _territories(language: str | None) -> dict[str, str]:
    try:
        return Locale.parse((language or "en").replace("-", "_")).territories
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en").territories


def country_name(code: str, *, language: str | None = None) -> str:
    """The name of a country (ISO 3166 alpha-2 `code`) in `language`, by default the active one."""
    code = str(code).upper()
    return _territories(language or get_language()).get(code) or str(countries.name(code))


def name_sort_key(name: str) -> str:
    """Sorts "Côte d’Ivoire" with the Cs and ignores case, as a printed index would."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
