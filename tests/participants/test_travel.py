"""Travel legs: the organisers' page, the delegate's "My travel", the participant's page, and
their removal with the personal data. The programme runs 13–17 November 2023 in Jakarta."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from participants.models import Participant, TravelLeg
from participants.retention import anonymise_participant, purge_personal_fields
from tests.conftest import client_for
from tests.factories import ParticipantFactory, TravelLegFactory


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# Kathmandu to Jakarta through Kuala Lumpur, and home; times as on the tickets.
KATHMANDU_KUALA_LUMPUR = {
    "direction": "arrival",
    "mode": "flight",
    "carrier": "MH",
    "number": "115",
    "from_place": "Kathmandu",
    "from_code": "ktm",
    "departs_at": "2023-11-11T22:45",  # +05:45: 17:00 UTC
    "to_place": "",
    "to_code": "KUL",
    "arrives_at": "2023-11-12T05:50",  # +08:00: 21:50 UTC the day before
    "note": "",
}
KUALA_LUMPUR_JAKARTA = {
    **KATHMANDU_KUALA_LUMPUR,
    "carrier": "GA",
    "number": "GA 821",
    "from_place": "Kuala Lumpur",
    "from_code": "KUL",
    "departs_at": "2023-11-12T07:00",  # +08:00: 23:00 UTC the day before
    "to_place": "Jakarta",
    "to_code": "CGK",
    "arrives_at": "2023-11-12T08:05",  # +07:00: 01:05 UTC
}
JAKARTA_HOME = {
    **KATHMANDU_KUALA_LUMPUR,
    "direction": "departure",
    "carrier": "GA",
    "number": "820",
    "from_place": "Jakarta",
    "from_code": "CGK",
    "departs_at": "2023-11-18T09:15",  # 02:15 UTC
    "to_place": "Kuala Lumpur",
    "to_code": "KUL",
    "arrives_at": "2023-11-18T12:20",
}


def formset_data(legs: list[dict], existing: list[TravelLeg] = ()) -> dict:
    """The POST of the legs formset: `existing` legs first (as stored unless `legs` says),
    then new ones."""
    data = {
        "legs-TOTAL_FORMS": str(len(legs)),
        "legs-INITIAL_FORMS": str(len(existing)),
        "legs-MIN_NUM_FORMS": "0",
        "legs-MAX_NUM_FORMS": "12",
    }
    for index, leg in enumerate(legs):
        if index < len(existing):
            data[f"legs-{index}-id"] = str(existing[index].pk)
        for name, value in leg.items():
            data[f"legs-{index}-{name}"] = value
    return data


def travel_url(participant: Participant) -> str:
    return reverse("participants:travel_edit", args=[participant.programme.slug, participant.pk])


def test_organiser_enters_a_connection_and_the_way_home_in_local_times(organiser, delegate_a):
    response = organiser.post(
        travel_url(delegate_a),
        formset_data([KATHMANDU_KUALA_LUMPUR, KUALA_LUMPUR_JAKARTA, JAKARTA_HOME]),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "participants:detail", args=[delegate_a.programme.slug, delegate_a.pk]
    )
    legs = list(delegate_a.legs.order_by("departs_at"))
    assert [(leg.from_code, leg.departs_at, leg.to_code, leg.arrives_at) for leg in legs] == [
        ("KTM", utc("2023-11-11 17:00"), "KUL", utc("2023-11-11 21:50")),
        ("KUL", utc("2023-11-11 23:00"), "CGK", utc("2023-11-12 01:05")),
        ("CGK", utc("2023-11-18 02:15"), "KUL", utc("2023-11-18 04:20")),
    ]
    # A place left empty takes the airport's city.
    assert legs[0].to_place == "Kuala Lumpur"
    delegate_a.refresh_from_db()
    assert (delegate_a.arrival_at, delegate_a.arrival_details) == (
        utc("2023-11-12 01:05"),
        "GA 821 CGK",
    )
    assert (delegate_a.departure_at, delegate_a.departure_details) == (
        utc("2023-11-18 02:15"),
        "GA 820 CGK",
    )


def test_stored_legs_are_shown_back_in_the_local_times_of_their_places(organiser, delegate_a):
    TravelLegFactory(
        participant=delegate_a,
        from_code="KTM",
        departs_at=utc("2023-11-11 17:00"),
        to_code="KUL",
        arrives_at=utc("2023-11-11 21:50"),
    )

    response = organiser.get(travel_url(delegate_a))

    content = response.content.decode()
    assert 'value="2023-11-11T22:45"' in content
    assert 'value="2023-11-12T05:50"' in content
    assert "Asia/Kathmandu, +0545" in content
    assert "Sat 11 Nov 2023, 22:45 +0545" in content


def test_a_place_without_a_code_is_in_the_programme_zone(organiser, delegate_a):
    by_road = {
        **KUALA_LUMPUR_JAKARTA,
        "mode": "car",
        "carrier": "",
        "number": "",
        "from_place": "Bandung",
        "from_code": "",
        "departs_at": "2023-11-12T06:00",
        "to_place": "Jakarta, Hotel Indonesia",
        "to_code": "",
        "arrives_at": "2023-11-12T10:30",
    }
    response = organiser.post(travel_url(delegate_a), formset_data([by_road]))

    assert response.status_code == 302
    leg = delegate_a.legs.get()
    assert (leg.departs_at, leg.arrives_at) == (utc("2023-11-11 23:00"), utc("2023-11-12 03:30"))
    delegate_a.refresh_from_db()
    assert delegate_a.arrival_details == "Jakarta, Hotel Indonesia"


@pytest.mark.parametrize(
    ("legs", "field", "message"),
    [
        (
            [{**KUALA_LUMPUR_JAKARTA, "arrives_at": "2023-11-12T05:30"}],  # 22:30 UTC < 23:00
            "arrives_at",
            "The leg must arrive after it departs.",
        ),
        (
            [{**KUALA_LUMPUR_JAKARTA, "from_code": "XQZ"}],
            "from_code",
            "“XQZ” is not a known airport code",
        ),
        (
            [{**KUALA_LUMPUR_JAKARTA, "departs_at": "2024-11-12T07:00"}],
            "departs_at",
            "Choose a day between",
        ),
        (
            [{**KUALA_LUMPUR_JAKARTA, "from_place": "", "from_code": ""}],
            "from_place",
            "Give the place or its airport code.",
        ),
        (
            # The way home leaves before the last arrival lands.
            [KUALA_LUMPUR_JAKARTA, {**JAKARTA_HOME, "departs_at": "2023-11-12T08:00"}],
            "departs_at",
            "The journey home must leave after the last arrival.",
        ),
    ],
)
def test_bad_legs_are_refused_and_nothing_is_saved(organiser, delegate_a, legs, field, message):
    # The first leg is good: it must not be saved either.
    response = organiser.post(travel_url(delegate_a), formset_data([KATHMANDU_KUALA_LUMPUR, *legs]))

    assert response.status_code == 400
    errors = [form.errors.get(field, []) for form in response.context["formset"].forms]
    assert any(message in error for form_errors in errors for error in form_errors)
    assert not TravelLeg.objects.exists()
    delegate_a.refresh_from_db()
    assert delegate_a.arrival_at is None


def test_host_ends_in_the_wrong_order_are_a_formset_error(organiser, delegate_a):
    response = organiser.post(
        travel_url(delegate_a),
        formset_data([KUALA_LUMPUR_JAKARTA, {**JAKARTA_HOME, "departs_at": "2023-11-12T08:00"}]),
    )

    assert response.context["formset"].non_form_errors() == [
        "The first departure (Sun 12 Nov 2023, 08:00 WIB) is not after the last arrival "
        "(Sun 12 Nov 2023, 08:05 WIB)."
    ]
    assert "Nothing was saved." in response.content.decode()


def test_changing_and_deleting_legs_updates_the_summary(organiser, delegate_a):
    organiser.post(travel_url(delegate_a), formset_data([KUALA_LUMPUR_JAKARTA, JAKARTA_HOME]))
    arrival, departure = delegate_a.legs.order_by("departs_at")

    response = organiser.post(
        travel_url(delegate_a),
        formset_data(
            [
                {**KUALA_LUMPUR_JAKARTA, "arrives_at": "2023-11-12T08:35"},
                {**JAKARTA_HOME, "DELETE": "on"},
            ],
            existing=[arrival, departure],
        ),
    )

    assert response.status_code == 302
    assert list(delegate_a.legs.values_list("pk", "arrives_at")) == [
        (arrival.pk, utc("2023-11-12 01:35"))
    ]
    delegate_a.refresh_from_db()
    assert delegate_a.arrival_at == utc("2023-11-12 01:35")
    assert (delegate_a.departure_at, delegate_a.departure_details) == (None, "")


def test_saving_without_legs_keeps_imported_arrival_and_departure(organiser, delegate_a):
    delegate_a.arrival_at, delegate_a.arrival_details = utc("2023-11-12 05:00"), "VN 631"
    delegate_a.save()

    response = organiser.post(travel_url(delegate_a), formset_data([]))

    assert response.status_code == 302
    delegate_a.refresh_from_db()
    assert (delegate_a.arrival_at, delegate_a.arrival_details) == (
        utc("2023-11-12 05:00"),
        "VN 631",
    )


def test_legs_of_another_participant_cannot_be_changed(organiser, delegate_a, programme):
    other = TravelLegFactory(participant=ParticipantFactory(programme=programme))

    # The formset looks up the posted ids among this participant's legs only.
    organiser.post(travel_url(delegate_a), formset_data([KUALA_LUMPUR_JAKARTA], existing=[other]))
    organiser.post(
        travel_url(delegate_a),
        formset_data([{**KUALA_LUMPUR_JAKARTA, "DELETE": "on"}], existing=[other]),
    )

    assert TravelLeg.objects.get(pk=other.pk).from_code == "HAN"
    assert not delegate_a.legs.exists()


def test_erased_participants_travel_is_not_edited(organiser, delegate_a):
    delegate_a.erased_at = utc("2024-01-01 00:00")
    delegate_a.save()

    response = organiser.post(travel_url(delegate_a), formset_data([KUALA_LUMPUR_JAKARTA]))

    assert response.status_code == 302
    assert not TravelLeg.objects.exists()


def add_legs(participant: Participant, count: int) -> None:
    for hour in range(count):
        TravelLegFactory(
            participant=participant,
            number=str(800 + hour),
            departs_at=utc(f"2023-11-12 {hour:02}:00"),
            arrives_at=utc(f"2023-11-12 {hour:02}:50"),
        )


def test_participant_page_shows_the_legs_in_local_times(organiser, delegate_a):
    TravelLegFactory(
        participant=delegate_a,
        from_place="Hanoi",
        from_code="HAN",
        departs_at=utc("2023-11-12 08:00"),
        arrives_at=utc("2023-11-12 11:30"),
    )

    response = organiser.get(
        reverse("participants:detail", args=[delegate_a.programme.slug, delegate_a.pk])
    )

    content = response.content.decode()
    assert "GA 859" in content
    assert "Sun 12 Nov 2023, 15:00 +07" in content  # Hanoi's zone has no abbreviation
    assert "Sun 12 Nov 2023, 18:30 WIB" in content
    assert 'title="Soekarno-Hatta International Airport">CGK' in content
    assert travel_url(delegate_a) in content


@pytest.mark.parametrize(
    ("role", "name"),
    [
        ("organiser", "participants:detail"),
        ("organiser", "participants:travel_edit"),
        ("delegate", "participants:my_travel"),
    ],
)
def test_pages_take_as_many_queries_for_many_legs(
    cast, delegate_a, role, name, django_assert_max_num_queries
):
    client = client_for(cast[role])
    args = [delegate_a.programme.slug, delegate_a.pk] if role == "organiser" else []
    url = reverse(name, args=args)
    add_legs(delegate_a, 1)
    with django_assert_max_num_queries(50) as few:
        assert client.get(url).status_code == 200
    add_legs(delegate_a, 7)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200


# --- The delegate's own travel ----------------------------------------------------------------


MY_TRAVEL = "/me/travel/"


def test_my_travel_url_is_fixed():
    assert reverse("participants:my_travel") == MY_TRAVEL


def test_delegate_enters_their_own_legs(cast, delegate_a):
    client = client_for(cast["delegate"])

    response = client.post(MY_TRAVEL, formset_data([KATHMANDU_KUALA_LUMPUR, KUALA_LUMPUR_JAKARTA]))

    assert response.status_code == 302
    assert response["Location"] == MY_TRAVEL
    assert delegate_a.legs.count() == 2
    delegate_a.refresh_from_db()
    assert delegate_a.arrival_details == "GA 821 CGK"
    delegate_b = Participant.objects.get(user=cast["delegate_b"])
    assert not delegate_b.legs.exists()
    page = client.get(MY_TRAVEL).content.decode()
    assert "Sun 12 Nov 2023, 08:05 WIB" in page
    assert 'name="viewport"' in page


def test_delegate_gets_the_same_rules(cast, delegate_a):
    client = client_for(cast["delegate"])

    response = client.post(MY_TRAVEL, formset_data([{**KUALA_LUMPUR_JAKARTA, "to_code": "ZZZ"}]))

    assert response.status_code == 400
    assert "“ZZZ” is not a known airport code" in response.content.decode()
    assert not TravelLeg.objects.exists()


def test_delegate_cannot_change_another_delegates_legs(cast, delegate_a):
    delegate_b = Participant.objects.get(user=cast["delegate_b"])
    theirs = TravelLegFactory(participant=delegate_b)

    client = client_for(cast["delegate"])
    client.post(MY_TRAVEL, formset_data([KUALA_LUMPUR_JAKARTA], existing=[theirs]))
    client.post(
        MY_TRAVEL, formset_data([{**KUALA_LUMPUR_JAKARTA, "DELETE": "on"}], existing=[theirs])
    )

    assert TravelLeg.objects.get(pk=theirs.pk, participant=delegate_b).from_code == "HAN"
    assert not delegate_a.legs.exists()


def test_my_profile_links_to_my_travel(cast):
    page = client_for(cast["delegate"]).get("/me/profile/").content.decode()
    assert MY_TRAVEL in page


# --- Personal data ------------------------------------------------------------------------------


def test_retention_purge_deletes_the_legs(programme):
    leg = TravelLegFactory(participant__programme=programme)
    elsewhere = TravelLegFactory()

    touched, fields = purge_personal_fields(programme=programme)

    assert (touched, fields) == (1, ["legs"])
    assert list(TravelLeg.objects.all()) == [elsewhere]
    assert not TravelLeg.objects.filter(pk=leg.pk).exists()
    assert purge_personal_fields(programme=programme) == (0, [])


def test_erasure_deletes_the_legs(programme):
    leg = TravelLegFactory(participant__programme=programme)

    fields = anonymise_participant(participant=leg.participant, now=utc("2024-03-01 12:00"))

    assert not TravelLeg.objects.exists()
    assert fields[-1] == "legs"


def test_with_legs_the_profile_shows_arrival_and_departure_instead_of_fields(cast, delegate_a):
    client = client_for(cast["delegate"])
    client.post(MY_TRAVEL, formset_data([KUALA_LUMPUR_JAKARTA]))

    page = client.get("/me/profile/").content.decode()
    client.post(
        "/me/profile/",
        {"full_name_latin": "Lan", "arrival_at": "2023-11-13T10:00", "arrival_details": "Typed"},
    )

    assert 'name="arrival_at"' not in page
    assert "Sunday 12 November 2023, 08:05" in page
    delegate_a.refresh_from_db()
    assert (delegate_a.arrival_at, delegate_a.arrival_details) == (
        utc("2023-11-12 01:05"),
        "GA 821 CGK",
    )
