"""Booking participants on agenda items: by everyone, category, country or hand-picked; capacity
of items, groups and vehicles; moving and removing; splitting into groups."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from participants.models import Participant
from tests.conftest import client_for
from tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    ParticipantFactory,
    SessionFactory,
    VehicleFactory,
    VisitGroupFactory,
    member_country,
)
from visits.assignments import (
    assign_participants,
    even_sizes,
    move_assignment,
    plan_groups,
    split_participants_into_groups,
)
from visits.models import Assignment, Session
from visits.queries import bookable_participants

TEAM = ["staff", "organiser", "admin"]


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _booked(session: Session) -> set[str]:
    return set(session.assignments.values_list("participant__full_name", flat=True))


def _person(programme, name: str, **fields) -> Participant:
    fields.setdefault("status", Participant.Status.CONFIRMED)
    return ParticipantFactory(programme=programme, full_name=name, **fields)


@pytest.fixture
def item(programme):
    return SessionFactory(programme=programme, kind=Session.Kind.SITE_VISIT, capacity=None)


@pytest.fixture
def people(programme):
    """Two from Laos, one from Sri Lanka, one domestic, one withdrawn, one declined."""
    return {
        "la1": _person(programme, "Somphone", country=member_country("LA")),
        "la2": _person(programme, "Vannaphone", country=member_country("LA")),
        "lk": _person(programme, "Nimal", country=member_country("LK")),
        "id": _person(
            programme,
            "Siti",
            category=Participant.Category.DOMESTIC,
            country=member_country("ID"),
            region="Provinsi Jawa Barat",
        ),
        "withdrawn": _person(
            programme, "Withdrawn", country=member_country("LA"), status="withdrawn"
        ),
        "declined": _person(programme, "Declined", country=member_country("LK"), status="declined"),
    }


@pytest.fixture
def staff_client(programme):
    # A staff member of the programme, without the cast's two delegates among the participants.
    return client_for(MembershipFactory(programme=programme, role="staff").user)


def _assign_url(item) -> str:
    return reverse("visits:assign", args=[item.programme.slug, item.pk])


# Adding, by each way of choosing.


def test_assign_everyone_skips_withdrawn_and_declined(programme, people, item, staff_client):
    response = staff_client.post(_assign_url(item), {"mode": "all"})
    assert response.status_code == 302
    assert response["Location"] == _assign_url(item)
    assert _booked(item) == {"Somphone", "Vannaphone", "Nimal", "Siti"}
    assert _messages(response) == [
        "4 participants added. 2 have withdrawn or declined and were not added."
    ]


def test_assign_by_category_adds_only_that_category(programme, people, item, staff_client):
    staff_client.post(_assign_url(item), {"mode": "category", "category": "domestic"})
    assert _booked(item) == {"Siti"}


def test_assign_by_country_adds_only_that_country(programme, people, item, staff_client):
    laos = member_country("LA")
    response = staff_client.post(_assign_url(item), {"mode": "country", "country": laos.pk})
    assert _booked(item) == {"Somphone", "Vannaphone"}
    assert _messages(response) == [
        "2 participants added. 1 has withdrawn or declined and was not added."
    ]


def test_assign_hand_picked_adds_only_the_ticked(programme, people, item, staff_client):
    ticked = [people["la1"].pk, people["lk"].pk]
    staff_client.post(_assign_url(item), {"mode": "pick", "participants": ticked})
    assert _booked(item) == {"Somphone", "Nimal"}


def test_assign_hand_picked_withdrawn_is_not_added(programme, people, item, staff_client):
    response = staff_client.post(
        _assign_url(item), {"mode": "pick", "participants": [people["withdrawn"].pk]}
    )
    assert _booked(item) == set()
    assert _messages(response) == [
        "0 participants added. 1 has withdrawn or declined and was not added."
    ]


def test_assign_skips_the_already_booked_and_says_how_many(programme, people, item, staff_client):
    AssignmentFactory(session=item, participant=people["la1"])
    response = staff_client.post(
        _assign_url(item), {"mode": "country", "country": people["la1"].country_id}
    )
    assert _booked(item) == {"Somphone", "Vannaphone"}
    assert item.assignments.count() == 2
    assert _messages(response) == [
        "1 participant added. 1 was already booked and was skipped. "
        "1 has withdrawn or declined and was not added."
    ]


def test_assign_pick_without_ticks_shows_an_error(programme, people, item, staff_client):
    response = staff_client.post(_assign_url(item), {"mode": "pick"})
    assert response.status_code == 200
    assert "Tick at least one participant." in response.content.decode()
    assert item.assignments.count() == 0


def test_assign_participant_of_another_programme_is_refused(programme, item, staff_client):
    outsider = ParticipantFactory(full_name="Outsider")
    response = staff_client.post(_assign_url(item), {"mode": "pick", "participants": [outsider.pk]})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert item.assignments.count() == 0


def test_assign_into_group_and_vehicle(programme, people, item, staff_client):
    group = VisitGroupFactory(session=item, name="Group A", capacity=10)
    bus = VehicleFactory(session=item, name="Bus 1", seats=30)
    staff_client.post(
        _assign_url(item),
        {
            "mode": "country",
            "country": member_country("LK").pk,
            "group": group.pk,
            "vehicle": bus.pk,
        },
    )
    assert list(
        item.assignments.values_list("participant__full_name", "group__name", "vehicle__name")
    ) == [("Nimal", "Group A", "Bus 1")]


def test_assign_into_group_of_another_item_is_refused(programme, people, item, staff_client):
    other = SessionFactory(programme=programme)
    group = VisitGroupFactory(session=other, name="Group A", capacity=10)
    response = staff_client.post(_assign_url(item), {"mode": "all", "group": group.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert item.assignments.count() == 0


def test_assign_to_a_cancelled_item_is_refused(programme, people, item):
    Session.objects.filter(pk=item.pk).update(cancelled_at="2023-11-01T00:00:00Z")
    with pytest.raises(ValidationError) as error:
        assign_participants(session=item, participants=[people["la1"]], by=None)
    assert error.value.messages == ["This item is cancelled: nobody can be added to it."]
    assert item.assignments.count() == 0


# Capacity.


def test_capacity_of_the_item_is_never_exceeded(programme, people, item):
    Session.objects.filter(pk=item.pk).update(capacity=3)
    AssignmentFactory(session=item, participant=people["la1"])
    with pytest.raises(ValidationError) as error:
        assign_participants(
            session=item, participants=[people["la2"], people["lk"], people["id"]], by=None
        )
    assert error.value.messages == [
        "This item takes at most 3 participants and has 2 seats left; 3 cannot be added."
    ]
    assert _booked(item) == {"Somphone"}


def test_capacity_refusal_is_shown_on_the_page_and_saves_nothing(
    programme, people, item, staff_client
):
    Session.objects.filter(pk=item.pk).update(capacity=1)
    response = staff_client.post(_assign_url(item), {"mode": "all"})
    assert response.status_code == 200
    assert (
        "This item takes at most 1 participants and has 1 seat left; 4 cannot be added."
        in response.content.decode()
    )
    assert item.assignments.count() == 0


def test_capacity_filled_exactly_is_allowed(programme, people, item):
    Session.objects.filter(pk=item.pk).update(capacity=2)
    result = assign_participants(session=item, participants=[people["la1"], people["la2"]], by=None)
    assert len(result.added) == 2
    assert item.assignments.count() == 2


def test_capacity_of_a_group_is_never_exceeded(programme, people, item):
    group = VisitGroupFactory(session=item, name="Group A", capacity=2)
    AssignmentFactory(session=item, participant=people["la1"], group=group)
    with pytest.raises(ValidationError) as error:
        assign_participants(
            session=item, participants=[people["la2"], people["lk"]], group=group, by=None
        )
    assert error.value.messages == [
        "Group A takes at most 2 people and has 1 place left; 2 cannot be added."
    ]
    assert _booked(item) == {"Somphone"}


def test_seats_of_a_vehicle_are_never_exceeded(programme, people, item):
    van = VehicleFactory(session=item, name="Van 2", kind="van", seats=1)
    AssignmentFactory(session=item, participant=people["la1"], vehicle=van)
    with pytest.raises(ValidationError) as error:
        assign_participants(session=item, participants=[people["la2"]], vehicle=van, by=None)
    assert error.value.messages == ["Van 2 has 1 seats and 0 seats left; 1 cannot be added."]
    assert _booked(item) == {"Somphone"}


# Moving and removing.


def test_move_into_another_group_and_vehicle(programme, people, item, staff_client):
    group_a = VisitGroupFactory(session=item, name="Group A", capacity=5)
    group_b = VisitGroupFactory(session=item, name="Group B", capacity=5)
    bus = VehicleFactory(session=item, name="Bus 1", seats=30)
    assignment = AssignmentFactory(session=item, participant=people["lk"], group=group_a)
    response = staff_client.post(
        _assign_url(item),
        {"action": "move", "assignment": assignment.pk, "group": group_b.pk, "vehicle": bus.pk},
    )
    assert response["Location"] == f"{_assign_url(item)}#assignment-{assignment.pk}"
    assignment.refresh_from_db()
    assert (assignment.group, assignment.vehicle) == (group_b, bus)
    assert _messages(response) == ["Nimal moved."]


def test_move_into_a_full_group_is_refused(programme, people, item, staff_client):
    full = VisitGroupFactory(session=item, name="Group B", capacity=1)
    AssignmentFactory(session=item, participant=people["la1"], group=full)
    assignment = AssignmentFactory(session=item, participant=people["lk"])
    response = staff_client.post(
        _assign_url(item), {"action": "move", "assignment": assignment.pk, "group": full.pk}
    )
    assignment.refresh_from_db()
    assert assignment.group is None
    assert _messages(response) == [
        "Group B takes at most 1 people and has 0 places left; 1 cannot be added."
    ]


def test_move_within_the_same_full_group_keeps_its_place(programme, people, item):
    full = VisitGroupFactory(session=item, name="Group A", capacity=1)
    bus = VehicleFactory(session=item, name="Bus 1", seats=30)
    assignment = AssignmentFactory(session=item, participant=people["la1"], group=full)
    move_assignment(assignment=assignment, group=full, vehicle=bus, by=None)
    assignment.refresh_from_db()
    assert (assignment.group, assignment.vehicle) == (full, bus)


def test_move_of_a_booking_of_another_item_is_refused(programme, people, item, staff_client):
    other = AssignmentFactory(
        session=SessionFactory(programme=programme), participant=people["la1"]
    )
    response = staff_client.post(_assign_url(item), {"action": "move", "assignment": other.pk})
    assert _messages(response) == ["This participant is no longer booked on this item."]


def test_unassign_removes_the_booking(programme, people, item, staff_client):
    assignment = AssignmentFactory(session=item, participant=people["la1"])
    response = staff_client.post(
        reverse("visits:unassign", args=[programme.slug, item.pk, assignment.pk])
    )
    assert response["Location"] == _assign_url(item)
    assert item.assignments.count() == 0
    assert _messages(response) == ["Somphone was removed from this item."]


def test_unassign_of_a_booking_of_another_item_is_404(programme, people, item, staff_client):
    other = AssignmentFactory(
        session=SessionFactory(programme=programme), participant=people["la1"]
    )
    response = staff_client.post(
        reverse("visits:unassign", args=[programme.slug, item.pk, other.pk])
    )
    assert response.status_code == 404
    assert Assignment.objects.filter(pk=other.pk).exists()


def test_unassign_needs_post(programme, people, item, staff_client):
    assignment = AssignmentFactory(session=item, participant=people["la1"])
    response = staff_client.get(
        reverse("visits:unassign", args=[programme.slug, item.pk, assignment.pk])
    )
    assert response.status_code == 405
    assert item.assignments.count() == 1


# The page.


def test_assign_page_lists_bookings_places_and_who_can_be_picked(
    programme, people, item, staff_client
):
    Session.objects.filter(pk=item.pk).update(capacity=20)
    VisitGroupFactory(session=item, name="Group A", capacity=10, guide_name="Dewi")
    AssignmentFactory(session=item, participant=people["la1"])
    page = staff_client.get(_assign_url(item)).content.decode()
    assert "1 / 20" in page
    assert "booked, 19 seats left" in page
    assert "0 / 10" in page and "Dewi" in page
    # Booked people are in the table, not in the list to pick from; withdrawn people nowhere.
    assert f'name="participants" value="{people["la1"].pk}"' not in page
    assert f'name="participants" value="{people["la2"].pk}"' in page
    assert f'name="participants" value="{people["withdrawn"].pk}"' not in page
    assert (
        reverse("visits:unassign", args=[programme.slug, item.pk, item.assignments.get().pk])
        in page
    )


def test_assign_page_search_narrows_the_pick_list(programme, people, item, staff_client):
    page = staff_client.get(_assign_url(item), {"q": "nimal"}).content.decode()
    assert f'name="participants" value="{people["lk"].pk}"' in page
    assert f'name="participants" value="{people["la1"].pk}"' not in page


def test_item_of_another_programme_is_404(programme, people, staff_client):
    foreign = SessionFactory()
    url = reverse("visits:assign", args=[programme.slug, foreign.pk])
    assert staff_client.get(url).status_code == 404
    assert staff_client.post(url, {"mode": "all"}).status_code == 404
    assert foreign.assignments.count() == 0


@pytest.mark.parametrize("size", [10, 500])
def test_assign_page_queries_are_constant(
    programme, item, staff_client, size, django_assert_num_queries
):
    laos = member_country("LA")
    people = Participant.objects.bulk_create(
        ParticipantFactory.build(
            programme=programme,
            category=Participant.Category.INTERNATIONAL,
            full_name=f"Person {index}",
            country=laos,
            email=f"person{index}@example.org",
        )
        for index in range(2 * size)
    )
    group = VisitGroupFactory(session=item, name="Group A", capacity=size)
    VehicleFactory(session=item, name="Bus 1", seats=size)
    Assignment.objects.bulk_create(
        AssignmentFactory.build(session=item, participant=person, group=group)
        for person in people[:size]
    )
    # Session and user; the programme and the staff member's role; the item; its groups and
    # its vehicles with their counts; the bookings with people, countries, provinces, groups,
    # vehicles and recorders; the participants still to pick; the form's groups, vehicles and
    # member countries; the site navigation's memberships and participations of the user.
    with django_assert_num_queries(14):
        response = staff_client.get(_assign_url(item))
    page = response.content.decode()
    assert page.count('name="participants" value=') == size
    assert page.count('<input type="hidden" name="action" value="move">') == size


# Splitting into groups.


def test_even_sizes_share_out_the_remainder():
    assert even_sizes(10, 3) == [4, 3, 3]
    assert even_sizes(6, 2) == [3, 3]
    assert even_sizes(0, 2) == [0, 0]


def test_plan_groups_keeps_clusters_together_and_splits_only_the_too_big():
    items = ["LA"] * 3 + ["LK"] * 3 + ["MY"] * 2 + ["NP"] * 2
    assert plan_groups(items, [5, 5], key=lambda x: x) == [
        ["LA", "LA", "LA", "MY", "MY"],
        ["LK", "LK", "LK", "NP", "NP"],
    ]
    # Seven from one country cannot fit a group of four: they fill it and spill over.
    assert plan_groups(["ID"] * 7 + ["VN"], [4, 4], key=lambda x: x) == [
        ["ID", "ID", "ID", "ID"],
        ["ID", "ID", "ID", "VN"],
    ]


def _book_countries(programme, item, counts: dict[str, int]) -> None:
    for code, count in counts.items():
        for index in range(count):
            AssignmentFactory(
                session=item,
                participant=_person(programme, f"{code}{index}", country=member_country(code)),
            )


def test_split_shares_evenly_and_keeps_countries_together(programme, item, staff_client):
    _book_countries(programme, item, {"LA": 3, "LK": 3, "MY": 2, "NP": 2})
    response = staff_client.post(
        reverse("visits:split_groups", args=[programme.slug, item.pk]),
        {"group_count": 2, "capacity": 6},
    )
    assert response["Location"] == _assign_url(item)
    assert _messages(response) == ["Split into groups: Group A (5), Group B (5)."]
    groups = {
        group.name: sorted({a.participant.country.code for a in group.assignments.all()})
        for group in item.groups.all()
    }
    assert sorted(groups.values()) == [["LA", "MY"], ["LK", "NP"]]
    assert list(item.groups.values_list("name", "capacity")) == [("Group A", 6), ("Group B", 6)]


def test_split_refused_when_the_groups_are_too_small(programme, item, staff_client):
    _book_countries(programme, item, {"LA": 5})
    response = staff_client.post(
        reverse("visits:split_groups", args=[programme.slug, item.pk]),
        {"group_count": 2, "capacity": 2},
    )
    assert response.status_code == 200
    assert (
        "2 groups of 2 hold 4 people, but 5 are booked on this item." in response.content.decode()
    )
    assert item.groups.count() == 0


def test_split_refused_when_groups_exist_unless_replaced(programme, item):
    _book_countries(programme, item, {"LA": 2, "MY": 2})
    old = VisitGroupFactory(session=item, name="Group A", capacity=10, guide_name="Dewi")
    item.assignments.update(group=old)
    with pytest.raises(ValidationError):
        split_participants_into_groups(session=item, group_count=2, capacity=2, by=None)
    assert list(item.groups.all()) == [old]
    assert item.assignments.filter(group=old).count() == 4

    split_participants_into_groups(session=item, group_count=2, capacity=2, replace=True, by=None)
    assert list(item.groups.values_list("name", "capacity", "guide_name")) == [
        ("Group A", 2, ""),
        ("Group B", 2, ""),
    ]
    assert item.assignments.filter(group__isnull=True).count() == 0


def test_split_needs_post(programme, item, staff_client):
    url = reverse("visits:split_groups", args=[programme.slug, item.pk])
    assert staff_client.get(url).status_code == 405
    assert not item.groups.exists()


# What the team gets (who may reach each view: tests/permission_table.py).


def test_assign_page_names_the_item(cast, programme, item):
    response = client_for(cast["staff"]).get(_assign_url(item))
    assert item.title in response.content.decode()


@pytest.mark.parametrize("role", TEAM)
def test_assign_post_books_everyone(cast, programme, item, role):
    response = client_for(cast[role]).post(_assign_url(item), {"mode": "all"})
    assert response["Location"] == _assign_url(item)
    # The cast's two delegates are the programme's participants.
    assert item.assignments.count() == 2


@pytest.mark.parametrize("role", TEAM)
def test_split_makes_groups(cast, programme, item, role):
    AssignmentFactory(session=item, participant=programme.participants.first())
    response = client_for(cast[role]).post(
        reverse("visits:split_groups", args=[programme.slug, item.pk]),
        {"group_count": 1, "capacity": 5},
    )
    assert response["Location"] == _assign_url(item)
    assert list(item.groups.values_list("name", flat=True)) == ["Group A"]


def test_bookable_participants_are_the_active_ones_not_booked_yet(programme, people, item):
    assign_participants(session=item, participants=[people["la1"]], by=None)
    other_item = SessionFactory(programme=programme)
    assign_participants(session=other_item, participants=[people["la2"]], by=None)

    def names(**search) -> list[str]:
        return sorted(p.full_name for p in bookable_participants(programme, item, **search))

    # Booked elsewhere still counts as bookable here; the withdrawn and the declined never do.
    assert names() == ["Nimal", "Siti", "Vannaphone"]
    assert names(search="NIMAL") == ["Nimal"]
    assert names(search="somphone") == []


def test_assign_warns_about_overlapping_bookings_naming_who_and_which_items(
    programme, people, item, staff_client
):
    def other_item(title: str, start: int, end: int, **fields) -> Session:
        day = programme.start_date
        return SessionFactory(
            programme=programme,
            title_en=title,
            starts_at=programme.local_datetime(day, start, 30),
            ends_at=programme.local_datetime(day, end, 0),
            **fields,
        )

    tour = other_item("Library tour", 9, 11)
    AssignmentFactory(session=tour, participant=people["la1"])
    AssignmentFactory(session=tour, participant=people["lk"])
    lunch = other_item("Lunch", 10, 12)  # starts when the item ends: no overlap
    AssignmentFactory(session=lunch, participant=people["la2"])
    called_off = other_item("Called off", 9, 10, cancelled_at=programme.created_at)
    AssignmentFactory(session=called_off, participant=people["la2"])

    response = staff_client.post(
        _assign_url(item),
        {"mode": "pick", "participants": [people["la1"].pk, people["la2"].pk]},
    )
    assert _booked(item) == {"Somphone", "Vannaphone"}
    assert _messages(response) == [
        "2 participants added.",
        "1 participant is also booked on “Library tour” (09:30–11:00): Somphone.",
    ]


def test_assign_without_overlap_gives_no_warning(programme, people, item, staff_client):
    response = staff_client.post(
        _assign_url(item), {"mode": "pick", "participants": [people["lk"].pk]}
    )
    assert _messages(response) == ["1 participant added."]
