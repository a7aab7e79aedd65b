import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MEMBER_COUNTRIES_FIXTURE = FIXTURES / "member_countries.json"
PROVINCES_FIXTURE = FIXTURES / "provinces.json"


def member_country_codes() -> list[str]:
    """ISO 3166-1 codes of the Colombo Plan's member countries, from the shipped fixture."""
    rows = json.loads(MEMBER_COUNTRIES_FIXTURE.read_text(encoding="utf-8"))
    return [row["fields"]["country"] for row in rows]


def ensure_member_countries(*, model=None) -> int:
    """Add any member country that is missing; returns how many were added.

    Side effects: inserts MemberCountry rows; existing rows (and edits to them) are kept.
    `model` lets the data migration pass its historical model.
    """
    if model is None:
        from .models import MemberCountry as model
    added = 0
    for code in member_country_codes():
        _, created = model.objects.get_or_create(country=code)
        added += created
    return added


def ensure_provinces(*, model=None) -> int:
    """Add any Indonesian province that is missing; returns how many were added."""
    if model is None:
        from .models import Province as model
    rows = json.loads(PROVINCES_FIXTURE.read_text(encoding="utf-8"))
    added = 0
    for row in rows:
        _, created = model.objects.get_or_create(
            code=row["fields"]["code"], defaults={"name": row["fields"]["name"]}
        )
        added += created
    return added
