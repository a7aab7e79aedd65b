"""The time zones people choose from: the current IANA zones, grouped by country.

`zoneinfo.available_timezones()` also holds deprecated aliases ("US/Pacific",
"Asia/Calcutta"), `localtime` and the POSIX-style `Etc/GMT+7`. The select lists only the
canonical zones of `zone1970.tab` (the tzdata package's table of zones by country), under
each country that uses them, plus UTC. Stored values stay valid (`validate_time_zone` accepts
every zone); a stored value outside the list is offered as it is.
"""

import functools
from importlib.resources import files

from django.utils.translation import gettext as _

from .countries import country_name, name_sort_key

Choices = list[tuple[str, list[tuple[str, str]]]]


@functools.cache
def zones_by_country() -> dict[str, tuple[tuple[str, str], ...]]:
    """Country code → its (zone, place) pairs, from zone1970.tab; read once per process."""
    table = files("tzdata").joinpath("zoneinfo", "zone1970.tab").read_text(encoding="utf-8")
    zones: dict[str, list[tuple[str, str]]] = {}
    for line in table.splitlines():
        if not line or line.startswith("#"):
            continue
        codes, _coordinates, zone, *comment = line.split("\t")
        place = zone.rpartition("/")[2].replace("_", " ")
        # A comment describes the part of the first country's territory.
        if comment and comment[0] and "," not in codes:
            place = f"{place} ({comment[0]})"
        for code in codes.split(","):
            zones.setdefault(code, []).append((zone, place))
    return {code: tuple(sorted(pairs, key=lambda p: p[1])) for code, pairs in zones.items()}


def time_zone_choices(*, country_code: str = "", current: str = "") -> Choices:
    """Option groups for a time zone select, in the page's language.

    The zones of `country_code` (the person's own country) come first, then every country by
    name, then UTC. `current`, a stored value no longer listed (an old alias), is kept at the
    top so that saving the form does not reject it. No side effects.
    """
    by_country = zones_by_country()
    codes = sorted(by_country, key=lambda code: name_sort_key(country_name(code)))
    country_code = country_code.upper()
    if country_code in by_country:
        codes.remove(country_code)
        codes.insert(0, country_code)
    groups: Choices = []
    listed = {"UTC"} | {zone for pairs in by_country.values() for zone, _place in pairs}
    if current and current not in listed:
        groups.append((_("Current setting"), [(current, current.replace("_", " "))]))
    groups.extend(
        (country_name(code), [(zone, place) for zone, place in by_country[code]]) for code in codes
    )
    groups.append((_("Other"), [("UTC", "UTC")]))
    return groups
