"""The time zone selects: current zones by country, the person's own country first."""

import zoneinfo

from django.urls import reverse
from django.utils import translation

from programs.forms import ProgrammeForm
from programs.timezones import time_zone_choices, zones_by_country

from ..conftest import client_for
from ..factories import ProgrammeFactory


def _values(choices) -> list[str]:
    return [value for _group, zones in choices for value, _label in zones]


def test_only_current_zones_are_offered():
    offered = _values(time_zone_choices())
    assert {"Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "Asia/Kolkata", "UTC"} <= set(offered)
    for stale in ("Asia/Calcutta", "US/Pacific", "localtime", "Etc/GMT+7", "Asia/Rangoon"):
        assert stale not in offered
    assert not [zone for zone in offered if zone.startswith("Etc/")]
    # Every offered zone is one the validator accepts.
    assert set(offered) <= zoneinfo.available_timezones()
    assert len(set(offered)) < 350 < len(zoneinfo.available_timezones())


def test_zones_are_grouped_by_country_in_the_page_language():
    with translation.override("en"):
        english = dict(time_zone_choices())
    with translation.override("id"):
        indonesian = dict(time_zone_choices())
    assert english["Indonesia"] == [
        ("Asia/Jakarta", "Jakarta (Java, Sumatra)"),
        ("Asia/Jayapura", "Jayapura (New Guinea (West Papua / Irian Jaya), Malukus/Moluccas)"),
        (
            "Asia/Makassar",
            "Makassar (Borneo (east, south), Sulawesi/Celebes, Bali, Nusa Tengarra, Timor (west))",
        ),
        ("Asia/Pontianak", "Pontianak (Borneo (west, central))"),
    ]
    # A zone shared by several countries is listed under each of them.
    assert english["Laos"] == [("Asia/Bangkok", "Bangkok")]
    assert english["Maldives"] == indonesian["Maladewa"] == [("Indian/Maldives", "Maldives")]


def test_own_country_comes_first_and_the_rest_by_name():
    groups = [group for group, _zones in time_zone_choices(country_code="lk")]
    assert groups[0] == "Sri Lanka"
    assert groups[1:4] == ["Afghanistan", "Åland Islands", "Albania"]
    assert groups[-1] == "Other"
    assert zones_by_country()["LK"] == (("Asia/Colombo", "Colombo"),)


def test_a_stored_old_alias_stays_valid_and_selected(db):
    programme = ProgrammeFactory(time_zone="Asia/Calcutta")
    form = ProgrammeForm(instance=programme)
    assert form.fields["time_zone"].choices[0] == (
        "Current setting",
        [("Asia/Calcutta", "Asia/Calcutta")],
    )
    assert 'value="Asia/Calcutta" selected' in str(form["time_zone"])
    assert time_zone_choices(current="Asia/Jakarta")[0][0] != "Current setting"


def test_programme_form_lists_indonesia_first(db):
    form = ProgrammeForm()
    assert form.fields["time_zone"].choices[0][0] == "Indonesia"


def test_home_time_zone_select_lists_the_delegates_country_first(cast, programme):
    client = client_for(cast["delegate"])
    page = client.get(reverse("visits:my_agenda") + "?tz=home").content.decode()
    delegate_country = cast["delegate"].participations.get(programme=programme).country
    first_group = page.split('<optgroup label="', 1)[1].split('"', 1)[0]
    assert first_group == str(delegate_country)
    assert "localtime" not in page
    assert "US/Pacific" not in page
