from datetime import date
from io import BytesIO

import pytest
from PIL import Image

from programs.forms import DelegationForm, ProgrammeForm, TeamMemberForm
from programs.models import Delegation, MemberCountry, Province
from tests.factories import DelegationFactory, MembershipFactory, member_country

from .conftest import png_upload, text_upload


def programme_data(**overrides) -> dict:
    data = {
        "title_en": "Knowledge Sharing Programme on Digital Libraries",
        "title_local": "",
        "short_name_en": "KSP Digital 2025",
        "short_name_local": "",
        "theme_en": "",
        "theme_local": "",
        "start_date": "2025-03-10",
        "end_date": "2025-03-14",
        "time_zone": "Asia/Jakarta",
        "host_country": "ID",
        "host_institution": "National Library of the Republic of Indonesia",
        "host_short_name": "Perpusnas",
        "host_address": "",
        "venue_city": "Yogyakarta",
        "partners": "Colombo Plan Secretariat\nMinistry of State Secretariat",
        "cooperation_framework": "",
        "expected_international": "20",
        "expected_domestic": "30",
        "expected_other": "10",
    }
    data.update(overrides)
    return data


def test_programme_form_valid_with_english_only(db):
    form = ProgrammeForm(programme_data())
    assert form.is_valid(), form.errors
    programme = form.save(commit=False)
    assert programme.partner_list == ["Colombo Plan Secretariat", "Ministry of State Secretariat"]
    assert programme.expected_total == 60


def test_programme_form_requires_the_english_title(db):
    form = ProgrammeForm(programme_data(title_en="", short_name_en=""))
    assert form.errors == {
        "title_en": ["This field is required."],
        "short_name_en": ["This field is required."],
    }


def test_programme_form_end_before_start_is_an_error_on_the_last_day(db):
    form = ProgrammeForm(programme_data(start_date="2025-03-14", end_date="2025-03-10"))
    assert form.errors == {"end_date": ["The last day cannot be before the first day."]}


def test_programme_form_single_day_is_valid(db):
    form = ProgrammeForm(programme_data(start_date="2025-03-14", end_date="2025-03-14"))
    assert form.is_valid(), form.errors


def test_programme_form_unknown_time_zone_is_refused(db):
    form = ProgrammeForm(programme_data(time_zone="Mars/Olympus_Mons"))
    assert form.errors == {
        "time_zone": [
            "Select a valid choice. Mars/Olympus_Mons is not one of the available choices."
        ]
    }


def test_programme_form_time_zone_defaults_to_jakarta_and_offers_all_zones(db):
    form = ProgrammeForm()
    assert form["time_zone"].value() == "Asia/Jakarta"
    offered = {value for _group, zones in form.fields["time_zone"].choices for value, _ in zones}
    assert {"Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "Europe/London", "UTC"} <= offered


def test_programme_form_text_file_renamed_png_is_refused(db):
    form = ProgrammeForm(programme_data(), {"logo": text_upload("logo.png")})
    assert form.errors == {"logo": ["The file is not an image (JPEG, PNG, WebP or GIF)."]}


def test_programme_form_logo_is_reencoded_to_a_small_jpeg(db):
    form = ProgrammeForm(programme_data(), {"logo": png_upload(1200, 800)})
    assert form.is_valid(), form.errors
    with Image.open(BytesIO(form.cleaned_data["logo"].read())) as image:
        assert (image.format, image.size) == ("JPEG", (600, 400))


def test_team_member_form_refuses_someone_already_in_the_team(programme):
    member = MembershipFactory(programme=programme, role="staff").user
    form = TeamMemberForm({"email": member.email.upper(), "role": "organiser"}, programme=programme)
    assert form.errors == {"email": [f"{member.email} is already in this programme's team."]}


def test_team_member_form_accepts_a_new_address_and_a_member_of_another_programme(programme):
    other = MembershipFactory(role="organiser").user
    for email in ("new.person@example.org", other.email):
        form = TeamMemberForm({"email": email, "role": "staff"}, programme=programme)
        assert form.is_valid(), form.errors


def test_team_member_form_offers_only_organiser_and_staff(programme):
    form = TeamMemberForm({"email": "x@example.org", "role": "admin"}, programme=programme)
    assert form.errors == {
        "role": ["Select a valid choice. admin is not one of the available choices."]
    }


@pytest.fixture
def viet_nam(db) -> MemberCountry:
    return member_country("VN")


@pytest.fixture
def aceh(db) -> Province:
    return Province.objects.get(name="Aceh")


def delegation_data(**overrides) -> dict:
    data = {
        "kind": "international",
        "country": "",
        "region": "",
        "locality": "",
        "seats": "2",
        "nominating_agency": "",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
    }
    data.update(overrides)
    return data


def test_delegation_form_saves_an_international_delegation(programme, viet_nam):
    form = DelegationForm(delegation_data(country=viet_nam.pk), programme=programme)
    assert form.is_valid(), form.errors
    delegation = form.save()
    assert (delegation.programme, delegation.country, delegation.province, delegation.seats) == (
        programme,
        viet_nam,
        None,
        2,
    )


def test_delegation_form_saves_domestic_seats(programme, aceh):
    form = DelegationForm(
        delegation_data(kind="domestic", region=aceh.code, locality="Kota Banda Aceh"),
        programme=programme,
    )
    assert form.is_valid(), form.errors
    delegation = form.save()
    assert delegation.origin == "Kota Banda Aceh (Aceh)"


def test_delegation_form_with_both_country_and_province_is_refused(programme, viet_nam, aceh):
    form = DelegationForm(
        delegation_data(country=viet_nam.pk, region=aceh.code), programme=programme
    )
    assert form.errors == {
        "region": ["A member country's delegation has no region: clear this field."]
    }
    form = DelegationForm(
        delegation_data(kind="domestic", country=viet_nam.pk, region=aceh.code),
        programme=programme,
    )
    assert form.errors == {
        "country": ["Domestic seats belong to a region, not a member country: clear this field."]
    }


def test_delegation_form_with_neither_country_nor_province_is_refused(programme):
    form = DelegationForm(delegation_data(), programme=programme)
    assert form.errors == {
        "country": ["Choose a member country, or choose “Region of the host country” as the kind."]
    }
    form = DelegationForm(delegation_data(kind="domestic"), programme=programme)
    assert form.errors == {"region": ["Choose a region, or choose “Member country” as the kind."]}


def test_delegation_form_locality_needs_a_domestic_delegation(programme, viet_nam):
    form = DelegationForm(
        delegation_data(country=viet_nam.pk, locality="Hanoi"), programme=programme
    )
    assert form.errors == {
        "locality": ["A regency, city or locality only applies to a domestic delegation."]
    }


def test_delegation_form_second_delegation_of_a_country_is_refused(programme, viet_nam):
    DelegationFactory(programme=programme, country=viet_nam, seats=3)
    form = DelegationForm(delegation_data(country=viet_nam.pk), programme=programme)
    assert form.errors == {"country": ["Vietnam already has a delegation in this programme."]}
    assert Delegation.objects.filter(programme=programme).count() == 1


def test_delegation_form_second_seat_set_of_a_region_is_refused(programme, aceh):
    DelegationFactory(programme=programme, country=None, province=aceh, locality="Kota Sabang")
    DelegationFactory(programme=programme, country=None, province=aceh)
    form = DelegationForm(
        delegation_data(kind="domestic", region=aceh.code, locality="Kota Sabang"),
        programme=programme,
    )
    assert form.errors == {"locality": ["Kota Sabang (Aceh) already has seats in this programme."]}
    form = DelegationForm(delegation_data(kind="domestic", region=aceh.code), programme=programme)
    assert form.errors == {"region": ["Aceh already has seats in this programme."]}
    # Another regency of the same province is a different region.
    form = DelegationForm(
        delegation_data(kind="domestic", region=aceh.code, locality="Kota Langsa"),
        programme=programme,
    )
    assert form.is_valid(), form.errors


def test_delegation_form_same_country_in_another_programme_is_fine(programme, viet_nam):
    other = MembershipFactory().programme
    DelegationFactory(programme=other, country=viet_nam)
    form = DelegationForm(delegation_data(country=viet_nam.pk), programme=programme)
    assert form.is_valid(), form.errors


def test_delegation_form_editing_keeps_its_own_country(programme, viet_nam):
    delegation = DelegationFactory(programme=programme, country=viet_nam, seats=3)
    form = DelegationForm(
        delegation_data(country=viet_nam.pk, seats="5"), instance=delegation, programme=programme
    )
    assert form.is_valid(), form.errors
    assert form.save().seats == 5


def test_delegation_form_can_turn_a_country_into_a_region(programme, viet_nam, aceh):
    delegation = DelegationFactory(programme=programme, country=viet_nam)
    form = DelegationForm(
        delegation_data(kind="domestic", region=aceh.code),
        instance=delegation,
        programme=programme,
    )
    assert form.is_valid(), form.errors
    delegation = form.save()
    assert (delegation.country, delegation.province) == (None, aceh)


def test_delegation_form_offers_only_active_member_countries(programme, viet_nam):
    viet_nam.is_active = False
    viet_nam.save()
    form = DelegationForm(programme=programme)
    offered = [label for value, label in form.fields["country"].choices if value]
    assert "Vietnam" not in offered
    assert "Indonesia" in offered
    assert offered == sorted(offered)
    form = DelegationForm(delegation_data(country=viet_nam.pk), programme=programme)
    assert form.errors == {
        "country": ["Select a valid choice. That choice is not one of the available choices."]
    }


def test_delegation_form_keeps_a_country_that_has_since_become_inactive(programme, viet_nam):
    delegation = DelegationFactory(programme=programme, country=viet_nam, seats=3)
    viet_nam.is_active = False
    viet_nam.save()
    form = DelegationForm(
        delegation_data(country=viet_nam.pk, seats="4"), instance=delegation, programme=programme
    )
    assert form.is_valid(), form.errors


def test_delegation_form_kind_follows_the_delegation(programme, aceh):
    delegation = DelegationFactory(programme=programme, country=None, province=aceh)
    assert DelegationForm(instance=delegation, programme=programme)["kind"].value() == "domestic"
    assert DelegationForm(programme=programme)["kind"].value() == "international"


def test_programme_form_keeps_personal_data_until_a_chosen_day(db):
    form = ProgrammeForm(programme_data(personal_data_kept_until="2025-04-30"))
    assert form.is_valid(), form.errors
    assert form.save().personal_data_until == date(2025, 4, 30)


def test_programme_form_without_a_retention_day_keeps_90_days(db):
    form = ProgrammeForm(programme_data())
    assert form.is_valid(), form.errors
    programme = form.save()
    assert programme.personal_data_kept_until is None
    assert programme.personal_data_until == date(2025, 6, 12)


def test_programme_form_refuses_a_retention_day_before_the_last_day(db):
    form = ProgrammeForm(programme_data(personal_data_kept_until="2025-03-13"))
    assert form.errors == {
        "personal_data_kept_until": [
            "Personal data is needed until the last day: choose that day or later."
        ]
    }
