"""Withdrawal with an effective date: bookings released from that day, later attendance
refused, rates counting only the bookings before it, and a replacement taking the seat."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from participants.models import Participant, StatusChange
from tests.conftest import client_for
from tests.factories import (
    AssignmentFactory,
    ParticipantFactory,
    ReleasedBookingFactory,
    SessionFactory,
    UserFactory,
    VehicleFactory,
    VisitGroupFactory,
    member_country,
)
from visits.assignments import participant_rates
from visits.models import Assignment, ReleasedBooking, Session

REASON = "Called home for a family emergency"


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def days(programme):
    """The programme moved ten days ahead (change notices are only sent for items to come),
    with an item on its first, third and fourth day."""
    programme.start_date = timezone.localdate() + timedelta(days=10)
    programme.end_date = programme.start_date + timedelta(days=4)
    programme.save()
    first, third, fourth = (programme.start_date + timedelta(days=n) for n in (0, 2, 3))
    return {
        "opening": SessionFactory(
            programme=programme,
            title_en="Opening",
            starts_at=programme.local_datetime(first, 9),
            ends_at=programme.local_datetime(first, 10),
        ),
        "visit": SessionFactory(
            programme=programme,
            title_en="Visit to a village library",
            kind=Session.Kind.SITE_VISIT,
            capacity=2,
            starts_at=programme.local_datetime(third, 9),
            ends_at=programme.local_datetime(third, 15),
        ),
        "workshop": SessionFactory(
            programme=programme,
            title_en="Workshop",
            capacity=2,
            starts_at=programme.local_datetime(fourth, 9),
            ends_at=programme.local_datetime(fourth, 12),
        ),
    }


@pytest.fixture
def an(programme, days):
    """A delegate from Laos booked on every item, in a group and a bus on the visit, who was
    present at the opening."""
    participant = ParticipantFactory(
        programme=programme,
        full_name="Nguyen Van An",
        # Not Viet Nam, the country of the cast's delegates: a delegation of its own.
        country=member_country("LA"),
        status=Participant.Status.CONFIRMED,
    )
    visit = days["visit"]
    group, bus = VisitGroupFactory(session=visit, name="Group A", capacity=2), None
    bus = VehicleFactory(session=visit, name="Bus 1", seats=2)
    AssignmentFactory(session=days["opening"], participant=participant, attended=True)
    AssignmentFactory(session=visit, participant=participant, group=group, vehicle=bus)
    AssignmentFactory(session=days["workshop"], participant=participant)
    return participant


@pytest.fixture
def colleague(programme, days):
    """Another delegate, with an account, booked on the visit (same group and bus) and the
    workshop."""
    user = UserFactory(email="colleague@example.org")
    participant = ParticipantFactory(
        programme=programme,
        full_name="Le Thi Binh",
        user=user,
        email=user.email,
        status=Participant.Status.CONFIRMED,
    )
    visit = days["visit"]
    AssignmentFactory(
        session=visit,
        participant=participant,
        group=visit.groups.get(),
        vehicle=visit.vehicles.get(),
    )
    AssignmentFactory(session=days["workshop"], participant=participant)
    return participant


def _withdraw(client, participant, **data):
    programme = participant.programme
    return client.post(
        reverse("participants:status", args=[programme.slug, participant.pk]),
        {"status": "withdrawn", "reason": REASON, **data},
    )


def _withdraw_from_third_day(cast, programme, an, capture):
    third = programme.start_date + timedelta(days=2)
    with capture(execute=True):
        response = _withdraw(client_for(cast["organiser"]), an, effective_on=third.isoformat())
    return response


def test_withdrawal_mid_programme_releases_the_later_bookings_and_tells_the_others(
    cast, programme, days, an, colleague, django_capture_on_commit_callbacks
):
    response = _withdraw_from_third_day(cast, programme, an, django_capture_on_commit_callbacks)

    assert response["Location"] == reverse("visits:replace", args=[programme.slug, an.pk])
    an.refresh_from_db()
    assert an.status == Participant.Status.WITHDRAWN
    assert an.inactive_from == programme.local_datetime(programme.start_date + timedelta(2), 0)
    change = StatusChange.objects.get(participant=an)
    assert (change.effective_on, change.reason) == (
        programme.start_date + timedelta(days=2),
        REASON,
    )
    # The opening, before the effective date, keeps its booking and its mark.
    assert list(Assignment.objects.filter(participant=an).values_list("session", "attended")) == [
        (days["opening"].pk, True)
    ]
    visit = days["visit"]
    assert list(
        ReleasedBooking.objects.filter(participant=an).values_list("session", "group", "vehicle")
    ) == [
        (visit.pk, visit.groups.get().pk, visit.vehicles.get().pk),
        (days["workshop"].pk, None, None),
    ]
    # Seats freed: the item, its group and its bus each hold only the colleague now.
    assert visit.assignments.count() == 1
    assert visit.groups.get().assignments.count() == 1
    assert visit.vehicles.get().assignments.count() == 1
    assert days["workshop"].assignments.count() == 1
    # The people still booked on the released items are told, as for any change.
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        (
            "colleague@example.org",
            "Changed: Visit to a village library / Diubah: Visit to a village library",
        ),
        ("colleague@example.org", "Changed: Workshop / Diubah: Workshop"),
    ]


def test_the_history_shows_the_effective_date_and_the_reason(
    cast, programme, days, an, django_capture_on_commit_callbacks
):
    _withdraw_from_third_day(cast, programme, an, django_capture_on_commit_callbacks)
    page = (
        client_for(cast["organiser"])
        .get(reverse("participants:detail", args=[programme.slug, an.pk]))
        .content.decode()
    )
    third = programme.start_date + timedelta(days=2)
    assert (
        f"<td>Confirmed → Withdrawn</td>\n                <td>{third.day} {third:%b %Y}</td>\n"
        f"                <td>{REASON}</td>"
    ) in page


def test_a_withdrawal_without_a_reason_is_refused_with_a_field_error(cast, programme, days, an):
    response = _withdraw(client_for(cast["organiser"]), an, reason="  ")
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "reason": ["Say why the participant is “Withdrawn”."]
    }
    an.refresh_from_db()
    assert (an.status, an.inactive_from) == (Participant.Status.CONFIRMED, None)
    assert Assignment.objects.filter(participant=an).count() == 3


def test_the_effective_date_defaults_to_today_in_the_programme_time_zone(cast, programme, days, an):
    _withdraw(client_for(cast["organiser"]), an)
    today = timezone.localtime(timezone.now(), programme.tzinfo).date()
    assert StatusChange.objects.get(participant=an).effective_on == today
    # The programme is still to come: every booking goes.
    assert not Assignment.objects.filter(participant=an).exists()


def test_a_badge_scan_after_the_withdrawal_is_refused_with_the_reason(
    cast, programme, days, an, django_capture_on_commit_callbacks
):
    _withdraw_from_third_day(cast, programme, an, django_capture_on_commit_callbacks)
    workshop = days["workshop"]
    response = client_for(cast["staff"]).post(
        reverse("visits:attendance_scan", args=[programme.slug, workshop.pk]),
        {"code": an.badge_code},
    )
    third = programme.start_date + timedelta(days=2)
    assert response.context["error"] == (
        f"Nguyen Van An is “Withdrawn” from {third.day} {third:%B %Y}: attendance at later "
        "items is not recorded. Nothing was recorded."
    )
    assert not workshop.assignments.filter(participant=an).exists()
    # An earlier item still takes marks.
    opening = days["opening"]
    client_for(cast["staff"]).post(
        reverse("visits:attendance", args=[programme.slug, opening.pk]),
        {"assignment": opening.assignments.get(participant=an).pk, "status": "absent"},
    )
    assert opening.assignments.get(participant=an).attended is False


def test_a_mark_on_a_booking_left_after_the_withdrawal_is_refused(cast, programme, days, an):
    # A withdrawal recorded before bookings were released leaves its later bookings behind.
    Participant.objects.filter(pk=an.pk).update(
        status=Participant.Status.WITHDRAWN,
        inactive_from=days["workshop"].starts_at - timedelta(hours=1),
    )
    workshop = days["workshop"]
    booking = workshop.assignments.get(participant=an)
    response = client_for(cast["staff"]).post(
        reverse("visits:attendance", args=[programme.slug, workshop.pk]),
        {"assignment": booking.pk, "status": "present"},
    )
    assert response.status_code == 302
    day = workshop.starts_at.astimezone(programme.tzinfo).date()
    assert _messages(response) == [
        f"Nguyen Van An is “Withdrawn” from {day.day} {day:%B %Y}: attendance at later items "
        "is not recorded. Nothing was recorded."
    ]
    booking.refresh_from_db()
    assert booking.attended is None


def test_rates_leave_out_the_bookings_after_the_withdrawal(programme, days, an):
    Participant.objects.filter(pk=an.pk).update(
        status=Participant.Status.WITHDRAWN,
        inactive_from=days["visit"].starts_at - timedelta(hours=1),
    )
    Assignment.objects.filter(participant=an, session=days["visit"]).update(attended=False)
    [rate] = participant_rates(programme)
    assert (rate.label, rate.assigned, rate.recorded, rate.present) == ("Nguyen Van An", 1, 1, 1)
    assert rate.of_assigned_text == "100 %"


def _replace(client, withdrawn, data):
    return client.post(
        reverse("visits:replace", args=[withdrawn.programme.slug, withdrawn.pk]), data
    )


def test_a_new_replacement_takes_the_seat_and_the_released_bookings(
    cast, programme, days, an, colleague, django_capture_on_commit_callbacks
):
    _withdraw_from_third_day(cast, programme, an, django_capture_on_commit_callbacks)
    response = _replace(
        client_for(cast["organiser"]),
        an,
        {
            "action": "new",
            "full_name": "Tran Thi Cuc",
            "gender": "female",
            "email": "cuc@example.org",
            "institution": "National Library of Laos",
        },
    )
    cuc = Participant.objects.get(full_name="Tran Thi Cuc")
    assert response["Location"] == reverse("participants:detail", args=[programme.slug, cuc.pk])
    assert (
        _messages(response)[-1] == "Tran Thi Cuc replaces Nguyen Van An and takes over 2 bookings."
    )
    assert (cuc.replaces, cuc.category, cuc.country.country.code, cuc.status) == (
        an,
        Participant.Category.INTERNATIONAL,
        "LA",
        Participant.Status.INVITED,
    )
    visit = days["visit"]
    assert sorted(
        Assignment.objects.filter(participant=cuc).values_list("session", "group", "vehicle")
    ) == sorted(
        [
            (visit.pk, visit.groups.get().pk, visit.vehicles.get().pk),
            (days["workshop"].pk, None, None),
        ]
    )
    assert set(ReleasedBooking.objects.values_list("taken_over_by", flat=True)) == {cuc.pk}
    organiser = client_for(cast["organiser"])
    an_page = organiser.get(reverse("participants:detail", args=[programme.slug, an.pk]))
    cuc_page = organiser.get(response["Location"])
    cuc_url = reverse("participants:detail", args=[programme.slug, cuc.pk])
    an_url = reverse("participants:detail", args=[programme.slug, an.pk])
    assert f'Replaced by <a href="{cuc_url}">Tran Thi Cuc</a>.' in an_page.content.decode()
    assert f'Replaces <a href="{an_url}">Nguyen Van An</a>.' in cuc_page.content.decode()
    # Replaced once: the offer is gone.
    again = _replace(organiser, an, {"action": "new", "full_name": "Someone Else"})
    assert (
        _messages(again)[-1]
        == "Only a withdrawn international delegate can be replaced, and only once."
    )
    assert not Participant.objects.filter(full_name="Someone Else").exists()


def test_an_invited_delegate_of_the_same_country_can_take_the_seat(cast, programme, days, an):
    _withdraw(client_for(cast["organiser"]), an)
    reserve = ParticipantFactory(programme=programme, full_name="Pham Duc", country=an.country)
    ParticipantFactory(programme=programme, full_name="Somchai", country=member_country("TH"))
    page = client_for(cast["organiser"]).get(
        reverse("visits:replace", args=[programme.slug, an.pk])
    )
    assert [str(p) for p in page.context["choice_form"].fields["existing"].queryset] == ["Pham Duc"]
    _replace(
        client_for(cast["organiser"]), an, {"action": "existing", "existing-existing": reserve.pk}
    )
    reserve.refresh_from_db()
    assert reserve.replaces == an
    assert Assignment.objects.filter(participant=reserve).count() == 3


def test_a_replacement_is_not_booked_past_a_capacity_filled_meanwhile(
    cast, programme, days, an, colleague, django_capture_on_commit_callbacks
):
    _withdraw_from_third_day(cast, programme, an, django_capture_on_commit_callbacks)
    AssignmentFactory(session=days["workshop"], participant__programme=programme)
    response = _replace(
        client_for(cast["organiser"]), an, {"action": "new", "full_name": "Tran Thi Cuc"}
    )
    assert _messages(response)[-2:] == [
        "Tran Thi Cuc replaces Nguyen Van An and takes over 1 booking.",
        "Not booked on “Workshop”: This item takes at most 2 participants and has 0 seats "
        "left; 1 cannot be added.",
    ]
    assert days["workshop"].assignments.count() == 2
    assert ReleasedBooking.objects.get(session=days["workshop"]).taken_over_by is None


def test_only_a_withdrawn_international_delegate_is_offered_a_replacement(
    cast, programme, days, an
):
    response = client_for(cast["organiser"]).get(
        reverse("visits:replace", args=[programme.slug, an.pk])
    )
    assert response["Location"] == reverse("participants:detail", args=[programme.slug, an.pk])


def test_a_new_replacement_with_a_taken_address_gets_a_field_error(cast, programme, days, an):
    _withdraw(client_for(cast["organiser"]), an)
    ParticipantFactory(programme=programme, email="taken@example.org")
    response = _replace(
        client_for(cast["organiser"]),
        an,
        {"action": "new", "full_name": "Tran Thi Cuc", "email": "Taken@example.org"},
    )
    assert response.status_code == 400
    assert response.context["new_form"].errors == {
        "email": ["Another participant of this programme has this address."]
    }


def test_released_bookings_are_listed_on_the_replacement_page(cast, programme, days):
    released = ReleasedBookingFactory(participant__programme=programme, session=days["visit"])
    page = client_for(cast["organiser"]).get(
        reverse("visits:replace", args=[programme.slug, released.participant.pk])
    )
    assert list(page.context["released"]) == [released]
    assert "Visit to a village library" in page.content.decode()
