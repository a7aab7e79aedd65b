"""The organisers' selection: decisions within the quotas, e-mails, participants and the balance."""

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from participants.models import Invitation, Nomination, Participant
from participants.selection import (
    balance_summary,
    decide,
    next_reserve,
    quota_of,
)
from tests.conftest import client_for
from tests.factories import (
    DelegationFactory,
    FocalPointFactory,
    NominationAnswerFactory,
    NominationCallFactory,
    NominationFactory,
    ParticipantFactory,
    ProgrammeFactory,
    UserFactory,
    member_country,
)

pytestmark = pytest.mark.django_db
Status = Nomination.Status


@pytest.fixture
def organiser(cast):
    return cast["organiser"]


@pytest.fixture
def call(programme):
    return NominationCallFactory(programme=programme)


@pytest.fixture
def laos(programme):
    """One seat and one reserve place, and a focal point."""
    delegation = DelegationFactory(
        programme=programme, country=member_country("LA"), seats=1, reserves=1
    )
    FocalPointFactory(delegation=delegation, user=UserFactory(email="focal@laos.example"))
    return delegation


def _nominate(call, delegation, **kwargs) -> Nomination:
    return NominationFactory(call=call, delegation=delegation, **kwargs)


def _decide_url(nomination) -> str:
    return reverse(
        "participants:selection_decide", args=[nomination.call.programme.slug, nomination.pk]
    )


def _post_decision(client, nomination, capture, **data):
    with capture(execute=True):
        return client.post(_decide_url(nomination), {"note": "", **data})


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_selecting_makes_a_participant_invites_them_and_tells_candidate_and_focal_point(
    organiser, call, laos, django_capture_on_commit_callbacks
):
    nomination = _nominate(
        call,
        laos,
        full_name="Khamla Vongsa",
        email="khamla@example.la",
        gender=Nomination.Gender.FEMALE,
        position="Head of cataloguing",
        institution="National Library of Laos",
    )

    response = _post_decision(
        client_for(organiser),
        nomination,
        django_capture_on_commit_callbacks,
        status="selected",
        note="Strong on inclusion",
        filters="gender=female",
    )

    url = reverse("participants:selection", args=[call.programme.slug])
    assert response["Location"] == f"{url}?gender=female#nomination-{nomination.pk}"
    nomination.refresh_from_db()
    assert (nomination.status, nomination.decision_note, nomination.decided_by) == (
        Status.SELECTED,
        "Strong on inclusion",
        organiser,
    )
    participant = nomination.participant
    assert (
        participant.programme,
        participant.full_name,
        participant.email,
        participant.gender,
        participant.category,
        participant.country.code,
        participant.position,
        participant.institution,
        participant.status,
    ) == (
        call.programme,
        "Khamla Vongsa",
        "khamla@example.la",
        "female",
        Participant.Category.INTERNATIONAL,
        "LA",
        "Head of cataloguing",
        "National Library of Laos",
        Participant.Status.INVITED,
    )
    assert Invitation.objects.get(participant=participant).sent_to == "khamla@example.la"
    # Subjects in English, then the host's language.
    assert sorted((m.to[0], m.subject.split(" / ")[0]) for m in mail.outbox) == [
        ("focal@laos.example", f"{call.programme.short_name}: Khamla Vongsa – Selected"),
        ("khamla@example.la", f"Invitation to {call.programme.short_name}"),
        ("khamla@example.la", f"Your nomination for {call.programme.short_name}"),
    ]
    to_candidate = next(
        m for m in mail.outbox if m.to == ["khamla@example.la"] and "nomination" in m.subject
    )
    assert "you have been selected" in to_candidate.body
    # The note is for the record only.
    assert all("Strong on inclusion" not in message.body for message in mail.outbox)


def test_a_domestic_delegation_gives_its_region_to_the_participant(
    organiser, call, django_capture_on_commit_callbacks
):
    from programs.models import Province

    province = Province.objects.get(code="31")
    delegation = DelegationFactory(
        programme=call.programme, country=None, province=province, locality="Jakarta Timur"
    )
    nomination = _nominate(call, delegation, category=Participant.Category.DOMESTIC)

    _post_decision(
        client_for(organiser), nomination, django_capture_on_commit_callbacks, status="selected"
    )

    participant = Nomination.objects.get(pk=nomination.pk).participant
    assert (participant.category, participant.province, participant.region) == (
        Participant.Category.DOMESTIC,
        province,
        "Jakarta Timur",
    )


def test_selecting_past_the_seats_is_refused_and_changes_nothing(
    organiser, call, laos, django_capture_on_commit_callbacks
):
    _nominate(call, laos, status=Status.SELECTED)
    second = _nominate(call, laos, full_name="Bounmy")

    response = _post_decision(
        client_for(organiser), second, django_capture_on_commit_callbacks, status="selected"
    )

    assert response.status_code == 400
    assert (
        "The delegation of Laos has 1 seat and it is taken: keep Bounmy in reserve or free "
        "a seat first." in response.content.decode()
    )
    second.refresh_from_db()
    assert (second.status, second.participant, second.decided_at) == (Status.NOMINATED, None, None)
    assert Participant.objects.filter(email=second.email).exists() is False
    assert mail.outbox == []


def test_reserves_are_ranked_in_order_and_limited_to_the_reserve_places(
    organiser, call, laos, django_capture_on_commit_callbacks
):
    laos.reserves = 2
    laos.save()
    first, second, third = (_nominate(call, laos) for _ in range(3))
    client = client_for(organiser)

    for nomination in (second, first, third):
        _post_decision(client, nomination, django_capture_on_commit_callbacks, status="reserve")

    ranks = dict(Nomination.objects.values_list("pk", "reserve_rank"))
    assert (ranks[second.pk], ranks[first.pk], ranks[third.pk]) == (1, 2, None)
    assert Nomination.objects.get(pk=third.pk).status == Status.NOMINATED
    assert next_reserve(laos) == second
    # Each reserve was told, the candidate and the focal point.
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [second.email, "focal@laos.example", first.email, "focal@laos.example"]
    )
    assert "placed on the reserve list" in mail.outbox[0].body


def test_leaving_the_reserves_clears_the_rank_and_the_candidate_is_told(
    organiser, call, laos, django_capture_on_commit_callbacks
):
    nomination = _nominate(call, laos, status=Status.RESERVE, reserve_rank=1)

    _post_decision(
        client_for(organiser),
        nomination,
        django_capture_on_commit_callbacks,
        status="not_selected",
        note="Too junior",
    )

    nomination.refresh_from_db()
    assert (nomination.status, nomination.reserve_rank, nomination.decision_note) == (
        Status.NOT_SELECTED,
        None,
        "Too junior",
    )
    assert next_reserve(laos) is None
    to_candidate = next(m for m in mail.outbox if m.to == [nomination.email])
    assert "not selected this time" in to_candidate.body


def test_the_same_decision_again_only_changes_the_note(
    organiser, call, laos, django_capture_on_commit_callbacks
):
    nomination = _nominate(call, laos, status=Status.RESERVE, reserve_rank=1)

    _post_decision(
        client_for(organiser),
        nomination,
        django_capture_on_commit_callbacks,
        status="reserve",
        note="First reserve",
    )

    nomination.refresh_from_db()
    assert (nomination.status, nomination.reserve_rank, nomination.decision_note) == (
        Status.RESERVE,
        1,
        "First reserve",
    )
    assert mail.outbox == []


def test_a_participant_or_a_withdrawn_nomination_cannot_be_decided_again(organiser, call, laos):
    withdrawn = _nominate(call, laos, status=Status.WITHDRAWN)
    participant = ParticipantFactory(programme=call.programme)
    selected = _nominate(call, laos, status=Status.SELECTED, participant=participant)
    client = client_for(organiser)

    refused = client.post(_decide_url(withdrawn), {"status": "reserve"})
    demoted = client.post(_decide_url(selected), {"status": "not_selected"})

    assert refused.status_code == demoted.status_code == 400
    assert "was withdrawn by the focal point" in refused.content.decode()
    assert "is already a participant" in demoted.content.decode()
    assert set(Nomination.objects.values_list("status", flat=True)) == {
        Status.WITHDRAWN,
        Status.SELECTED,
    }


def test_an_unknown_decision_is_a_field_error(organiser, call, laos):
    nomination = _nominate(call, laos)

    response = client_for(organiser).post(_decide_url(nomination), {"status": "hired"})

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "status": ["Select a valid choice. hired is not one of the available choices."]
    }
    assert Nomination.objects.get(pk=nomination.pk).status == Status.NOMINATED


def test_a_candidate_already_registered_is_refused_with_a_message(
    organiser, call, laos, django_capture_on_commit_callbacks
):
    ParticipantFactory(programme=call.programme, email="twice@example.org")
    nomination = _nominate(call, laos, email="twice@example.org")

    response = _post_decision(
        client_for(organiser), nomination, django_capture_on_commit_callbacks, status="selected"
    )

    assert response.status_code == 400
    assert (
        "A participant with the e-mail address twice@example.org is already registered."
        in response.content.decode()
    )
    assert Nomination.objects.get(pk=nomination.pk).status == Status.NOMINATED
    assert mail.outbox == []


def test_a_withdrawn_participant_frees_their_seat(call, laos, organiser):
    gone = ParticipantFactory(programme=call.programme, status=Participant.Status.WITHDRAWN)
    _nominate(call, laos, status=Status.SELECTED, participant=gone)
    nomination = _nominate(call, laos)

    assert quota_of(laos).seats_left == 1
    decide(
        nomination=nomination,
        status=Status.SELECTED,
        note="",
        by=organiser,
        request_or_base_url="https://tpbis.example",
    )

    assert quota_of(laos).seats_left == 0
    assert Invitation.objects.get(participant__nomination=nomination).sent_to == nomination.email


def test_decision_page_shows_the_candidate_and_their_answers(organiser, call, laos):
    nomination = _nominate(call, laos, full_name="Souk", motivation="Runs a village library.")
    NominationAnswerFactory(nomination=nomination, text="Mobile libraries")

    response = client_for(organiser).get(_decide_url(nomination))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Runs a village library." in page
    assert "Mobile libraries" in page
    assert "Seats taken: 0 of 1 · reserves: 0 of 1" in page


def test_focal_points_do_not_see_the_selection_even_of_their_own_delegation(call, laos):
    nomination = _nominate(call, laos)
    focal_point = laos.focal_points.get().user
    client = client_for(focal_point)

    assert (
        client.get(reverse("participants:selection", args=[call.programme.slug])).status_code == 404
    )
    assert client.post(_decide_url(nomination), {"status": "selected"}).status_code == 404
    assert Nomination.objects.get(pk=nomination.pk).status == Status.NOMINATED


# The page and its filters.


def test_selection_page_groups_by_delegation_and_filters(organiser, call, laos):
    thailand = DelegationFactory(
        programme=call.programme, country=member_country("TH"), seats=2, reserves=0
    )
    _nominate(call, laos, full_name="Khamla", gender="female")
    _nominate(call, laos, full_name="Bounmy", gender="male", status=Status.RESERVE)
    _nominate(call, thailand, full_name="Somchai", gender="male")
    url = reverse("participants:selection", args=[call.programme.slug])
    client = client_for(organiser)

    everyone = client.get(url)
    men = client.get(url, {"gender": "male"})
    thai = client.get(url, {"delegation": thailand.pk})

    def names(response):
        return [nomination.full_name for nomination in response.context["nominations"]]

    assert names(everyone) == ["Khamla", "Bounmy", "Somchai"]
    assert names(men) == ["Bounmy", "Somchai"]
    assert names(thai) == ["Somchai"]
    page = everyone.content.decode()
    assert "Seats taken: 0 of 1 · reserves: 1 of 1" in page
    assert "Seats taken: 0 of 2 · reserves: 0 of 0" in page
    assert "3 nominations" in page
    assert "2 nominations match the filters" in men.content.decode()


def test_selection_page_without_a_call_says_so(organiser, programme):
    response = client_for(organiser).get(reverse("participants:selection", args=[programme.slug]))

    assert response.status_code == 200
    assert "No call for nominations has been opened" in response.content.decode()


def _nominations_of(call, count: int) -> None:
    delegations = [
        DelegationFactory(programme=call.programme, seats=3, reserves=2) for _ in range(5)
    ]
    Nomination.objects.bulk_create(
        Nomination(
            call=call,
            delegation=delegations[n % 5],
            full_name=f"Candidate {n}",
            email=f"candidate-{n}@example.org",
            gender="female" if n % 2 else "male",
            status=[Status.NOMINATED, Status.SELECTED, Status.RESERVE][n % 3],
        )
        for n in range(count)
    )


@pytest.mark.parametrize("count", [10, 500])
def test_selection_list_runs_the_same_queries_at_10_and_500(
    organiser, call, count, django_assert_num_queries
):
    _nominations_of(call, count)
    client = client_for(organiser)
    url = reverse("participants:selection", args=[call.programme.slug])
    # Session and user (2), the programme with its call (1), the role (1), the delegations
    # (1), the count (1), the quotas (1), the page (1), the balance: delegations, nominations,
    # earlier countries (3), the freed seats (1), the site menu's roles (2), the filter's
    # delegation choices (1).
    with django_assert_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["nominations"]) == min(count, 100)


# The balance summary.


def test_balance_counts_selected_and_candidates_and_finds_first_time_countries(call, laos):
    programme = call.programme
    viet_nam = DelegationFactory(programme=programme, country=member_country("VN"), seats=2)
    cambodia = DelegationFactory(programme=programme, country=member_country("KH"))
    earlier = ProgrammeFactory(start_date=programme.start_date - timedelta(days=365))
    ParticipantFactory(programme=earlier, country=member_country("VN"))
    # Withdrawn, or in a later programme: Cambodia has still never been represented.
    ParticipantFactory(
        programme=earlier, country=member_country("KH"), status=Participant.Status.WITHDRAWN
    )
    ParticipantFactory(
        programme=ProgrammeFactory(start_date=date(2030, 1, 1)), country=member_country("KH")
    )
    _nominate(call, laos, gender="female", status=Status.SELECTED)
    _nominate(call, laos, gender="male", status=Status.RESERVE)
    _nominate(call, viet_nam, gender="female", status=Status.SELECTED, category="speaker")
    _nominate(call, viet_nam, gender="male", status=Status.NOT_SELECTED)
    _nominate(call, cambodia, gender="", status=Status.NOMINATED)
    _nominate(call, cambodia, gender="male", status=Status.WITHDRAWN)

    balance = balance_summary(call)

    def table(rows):
        return [(row.label, row.selected, row.nominated) for row in rows]

    assert (balance.selected, balance.nominated) == (2, 4)
    assert table(balance.genders) == [("Female", 2, 2), ("Male", 0, 1), ("Not given", 0, 1)]
    assert table(balance.categories) == [
        ("International delegate", 1, 3),
        ("Speaker / resource person", 1, 1),
    ]
    assert table(balance.origins) == [("Laos", 1, 2), ("Vietnam", 1, 1), ("Cambodia", 0, 1)]
    assert table(balance.first_time_countries) == [("Laos", 1, 2), ("Cambodia", 0, 1)]


def test_balance_is_shown_on_the_selection_page(organiser, call, laos):
    _nominate(call, laos, status=Status.SELECTED)

    response = client_for(organiser).get(
        reverse("participants:selection", args=[call.programme.slug])
    )

    page = response.content.decode()
    assert "1 selected of 1 candidate still in the running." in page
    assert "First-time countries" in page
