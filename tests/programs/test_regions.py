"""The regions of a host country: Indonesian provinces, or ISO 3166-2 subdivisions elsewhere."""

import pytest
from django.core.exceptions import ValidationError

from participants.models import Participant
from programs.models import MemberCountry, Province
from programs.regions import RegionFinder, find_region, host_member_country, regions_of
from tests.factories import ColomboProgrammeFactory, DelegationFactory, ParticipantFactory


def test_indonesia_has_its_provinces_as_regions(db):
    regions = regions_of("ID")
    assert len(regions) == Province.objects.count() == 38
    bali = next(region for region in regions if region.name == "Bali")
    assert bali.fields == {"province": Province.objects.get(name="Bali"), "subdivision": ""}


def test_sri_lanka_has_its_nine_provinces_as_regions(db):
    regions = regions_of("LK")
    assert len(regions) == 9
    assert (regions[0].code, regions[0].name) == ("LK-2", "Central Province")
    assert regions[0].fields == {"province": None, "subdivision": "LK-2"}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Western Province", "LK-1"),
        ("western", "LK-1"),
        ("North Western", "LK-6"),
        ("LK-7", "LK-7"),
        ("lk-7", "LK-7"),
        ("7", "LK-7"),
        ("Sabaragamuwa Province", "LK-9"),
    ],
)
def test_a_region_is_found_by_name_or_code_in_any_case(db, text, code):
    assert find_region("LK", text).code == code


def test_unknown_names_find_no_region(db):
    finder = RegionFinder("LK")
    assert [finder.find(text) for text in ("Jawa Barat", "Colombo", "", "Province")] == [None] * 4
    assert find_region("ID", "provinsi bali").name == "Bali"


def test_a_subdivision_of_another_country_is_refused(db):
    programme = ColomboProgrammeFactory()
    participant = ParticipantFactory.build(
        programme=programme, category=Participant.Category.DOMESTIC, subdivision="ID-JK"
    )
    with pytest.raises(ValidationError) as refused:
        participant.full_clean()
    assert refused.value.message_dict["subdivision"] == ["“ID-JK” is not a region of Sri Lanka."]
    delegation = DelegationFactory.build(programme=programme, country=None, subdivision="LK-99")
    with pytest.raises(ValidationError) as refused:
        delegation.full_clean()
    assert refused.value.message_dict["subdivision"] == ["“LK-99” is not a region of Sri Lanka."]


def test_the_host_member_country_is_added_when_missing(db):
    MemberCountry.objects.filter(country="LK").delete()
    member = host_member_country("lk")
    assert (member.code, host_member_country("LK").pk) == ("LK", member.pk)
