"""Programmes, delegations and participants through the API: the pages' rules and roles."""

import pytest
from django.urls import reverse
from django_countries import countries

from participants.models import Participant, PersonalDataAccess
from programs.models import Delegation, Programme, Province
from tests.conftest import client_for
from tests.factories import (
    ApiTokenFactory,
    DelegationFactory,
    MembershipFactory,
    ParticipantFactory,
    UserFactory,
    member_country,
)

from .support import organiser_token, token_client

pytestmark = pytest.mark.django_db
JSON = "application/json"


def results(response) -> list:
    assert response.status_code == 200, response.content
    return response.json()["results"]


# --- Programmes ---------------------------------------------------------------------------


def test_programme_office_creates_a_programme_and_organises_it(settings):
    admin = UserFactory(is_superuser=True)
    token = ApiTokenFactory(user=admin, can_write=True)
    response = token_client(token).post(
        reverse("api:programme-list"),
        {
            "title_en": "Library development",
            "short_name_en": "LD 2026",
            "start_date": "2026-10-05",
            "end_date": "2026-10-14",
            "time_zone": "Asia/Jakarta",
            "host_country": "ID",
            "host_institution": "National Library of Indonesia",
            "venue_city": "Jakarta",
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    programme = Programme.objects.get(slug=response.json()["slug"])
    assert programme.title_en == "Library development"
    assert list(programme.memberships.values_list("user", "role")) == [(admin.pk, "organiser")]


def test_programme_form_rules_come_back_per_field(programme):
    token = organiser_token(programme, can_write=True)
    response = token_client(token).patch(
        reverse("api:programme-detail", args=[programme.slug]),
        {"end_date": "2000-01-01", "time_zone": "Mars/Olympus"},
        content_type=JSON,
    )
    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["code"]) == (400, "invalid")
    assert list(body["fields"]) == ["time_zone"]
    programme.refresh_from_db()
    assert programme.time_zone == "Asia/Jakarta"


def test_organiser_without_programme_office_may_not_create(programme):
    token = organiser_token(programme, can_write=True)
    response = token_client(token).post(reverse("api:programme-list"), {}, content_type=JSON)
    assert response.status_code == 403


# --- Delegations --------------------------------------------------------------------------


def test_organiser_adds_international_and_domestic_delegations(programme):
    member_country("LK")
    token = organiser_token(programme, can_write=True)
    client = token_client(token)
    url = reverse("api:delegation-list", args=[programme.slug])
    sri_lanka = client.post(
        url, {"kind": "international", "country": "lk", "seats": 2}, content_type=JSON
    )
    assert sri_lanka.status_code == 201, sri_lanka.content
    province = Province.objects.get(name="Jawa Timur")
    east_java = client.post(
        url,
        {"kind": "domestic", "region": province.code, "locality": "Surabaya", "seats": 1},
        content_type=JSON,
    )
    assert east_java.status_code == 201, east_java.content
    rows = {row["origin"]: row for row in results(client.get(url))}
    assert rows["Sri Lanka"]["country"] == "LK"
    assert rows["Sri Lanka"]["seats"] == 2
    assert rows["Surabaya (Jawa Timur)"]["region"] == province.code
    assert rows["Surabaya (Jawa Timur)"]["kind"] == "domestic"


def test_delegation_without_a_country_is_refused_at_the_country(programme):
    token = organiser_token(programme, can_write=True)
    url = reverse("api:delegation-list", args=[programme.slug])
    response = token_client(token).post(url, {"kind": "international"}, content_type=JSON)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["country"]
    assert not Delegation.objects.exists()


def test_delegation_partial_update_keeps_the_rest(programme):
    delegation = DelegationFactory(programme=programme, seats=1, contact_name="Ann")
    token = organiser_token(programme, can_write=True)
    url = reverse("api:delegation-detail", args=[programme.slug, delegation.pk])
    response = token_client(token).patch(url, {"seats": 3}, content_type=JSON)
    assert response.status_code == 200, response.content
    delegation.refresh_from_db()
    assert (delegation.seats, delegation.contact_name) == (3, "Ann")


# --- Participants -------------------------------------------------------------------------


def test_participant_list_takes_the_list_pages_filters(programme):
    vietnam = ParticipantFactory(programme=programme, full_name="Nguyen Van A")
    ParticipantFactory(
        programme=programme, full_name="Somchai", country=member_country("TH"), status="confirmed"
    )
    token = organiser_token(programme)
    url = reverse("api:participant-list", args=[programme.slug])
    client = token_client(token)
    assert [row["id"] for row in results(client.get(url, {"country": "VN"}))] == [vietnam.pk]
    assert [row["full_name"] for row in results(client.get(url, {"q": "somch"}))] == ["Somchai"]
    assert [row["full_name"] for row in results(client.get(url, {"status": "confirmed"}))] == [
        "Somchai"
    ]


def test_participant_list_refuses_an_unknown_filter_value(programme):
    token = organiser_token(programme)
    url = reverse("api:participant-list", args=[programme.slug])
    response = token_client(token).get(url, {"status": "on-the-moon"})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["status"]


def test_participant_pages_follow_the_cursor(programme):
    ParticipantFactory.create_batch(5, programme=programme)
    token = organiser_token(programme)
    client = token_client(token)
    url = reverse("api:participant-list", args=[programme.slug])
    first = client.get(url, {"page_size": 3}).json()
    second = client.get(first["next"]).json()
    ids = [row["id"] for row in first["results"] + second["results"]]
    assert ids == sorted(programme.participants.values_list("pk", flat=True))
    assert second["next"] is None


def test_staff_read_participants_without_passport_details(programme):
    participant = ParticipantFactory(programme=programme, passport_number="C1234567")
    staff = MembershipFactory(programme=programme, role="staff").user
    token = ApiTokenFactory(user=staff, programmes=[programme], can_see_passports=True)
    client = token_client(token)
    listed = results(client.get(reverse("api:participant-list", args=[programme.slug])))
    detail = client.get(reverse("api:participant-detail", args=[programme.slug, participant.pk]))
    assert "passport_number" not in listed[0]
    assert "passport_number" not in detail.json()
    assert not PersonalDataAccess.objects.exists()


def test_organiser_list_with_passports_is_logged_once_per_page(programme):
    participants = ParticipantFactory.create_batch(3, programme=programme)
    token = organiser_token(programme, can_see_passports=True)
    url = reverse("api:participant-list", args=[programme.slug])
    assert "passport_number" in results(token_client(token).get(url))[0]
    entry = PersonalDataAccess.objects.get()
    assert sorted(entry.participant_ids) == sorted(p.pk for p in participants)
    assert entry.kind == PersonalDataAccess.Kind.PARTICIPANT_EXPORT


def test_delegate_reads_their_own_record_only(cast, programme):
    own = programme.participants.get(user=cast["delegate"])
    other = programme.participants.get(user=cast["delegate_b"])
    token = ApiTokenFactory(user=cast["delegate"], programmes=[programme], can_see_passports=True)
    client = token_client(token)
    mine = client.get(reverse("api:participant-detail", args=[programme.slug, own.pk]))
    assert mine.status_code == 200
    assert mine.json()["email"] == own.email
    assert "passport_number" in mine.json()
    url = reverse("api:participant-detail", args=[programme.slug, other.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("api:participant-list", args=[programme.slug])).status_code == 404


def test_organiser_adds_a_participant_with_the_forms_rules(programme):
    ParticipantFactory(programme=programme, email="taken@example.org")
    token = organiser_token(programme, can_write=True, can_see_passports=True)
    url = reverse("api:participant-list", args=[programme.slug])
    client = token_client(token)
    duplicate = client.post(
        url,
        {
            "category": "international",
            "full_name": "A",
            "country": "VN",
            "email": "TAKEN@example.org",
        },
        content_type=JSON,
    )
    assert duplicate.status_code == 400
    assert list(duplicate.json()["fields"]) == ["email"]
    created = client.post(
        url,
        {
            "category": "international",
            "status": "confirmed",
            "full_name": "Tran Thi B",
            "country": "VN",
            "email": "tran@example.org",
            "passport_number": "b 765-4321",
            # A time without a zone is the programme's (Jakarta, UTC+7).
            "arrival_at": "2023-11-12T14:30",
        },
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    participant = Participant.objects.get(email="tran@example.org")
    assert participant.passport_number == "B7654321"
    assert participant.status == "confirmed"
    assert participant.status_changes.count() == 1
    assert created.json()["arrival_at"] == "2023-11-12T14:30:00+07:00"


def test_update_leaves_the_status_to_its_workflow(programme):
    participant = ParticipantFactory(programme=programme, status="invited")
    token = organiser_token(programme, can_write=True)
    url = reverse("api:participant-detail", args=[programme.slug, participant.pk])
    response = token_client(token).patch(
        url, {"status": "arrived", "institution": "Library of Hanoi"}, content_type=JSON
    )
    assert response.status_code == 200
    participant.refresh_from_db()
    assert (participant.status, participant.institution) == ("invited", "Library of Hanoi")


def test_update_without_passport_scope_keeps_passport_details(programme):
    participant = ParticipantFactory(programme=programme, passport_number="C1234567")
    token = organiser_token(programme, can_write=True)
    url = reverse("api:participant-detail", args=[programme.slug, participant.pk])
    response = token_client(token).patch(
        url, {"passport_number": "X999", "phone": "+84 1"}, content_type=JSON
    )
    assert response.status_code == 200
    participant.refresh_from_db()
    assert (participant.passport_number, participant.phone) == ("C1234567", "+84 1")


def test_session_write_needs_the_csrf_token(programme):
    organiser = MembershipFactory(programme=programme).user
    client = client_for(organiser)
    client.handler.enforce_csrf_checks = True
    url = reverse("api:programme-detail", args=[programme.slug])
    response = client.patch(url, {"venue_city": "Bandung"}, content_type=JSON)
    assert response.status_code == 403
    assert "CSRF" in response.json()["message"]


# --- Queries per list: the same at 5 and at 50 rows ---------------------------------------


@pytest.mark.parametrize("rows", [5, 50])
def test_list_endpoints_run_a_fixed_number_of_queries(programme, rows, django_assert_num_queries):
    token = organiser_token(programme, can_see_passports=True)
    codes = [country.code for country in countries][:rows]
    for code in codes:
        ParticipantFactory(programme=programme, nationality=code)
        DelegationFactory(programme=programme, country=member_country(code))
    for _ in range(rows - 1):
        MembershipFactory(user=token.user)
    client = token_client(token)
    client.get(reverse("api:programme-list"))  # the last use is recorded once a minute
    # Token, its programmes, the page of programmes.
    with django_assert_num_queries(3):
        assert len(results(client.get(reverse("api:programme-list")))) == 1
    # Token, its programmes, programme, role, the page of delegations.
    with django_assert_num_queries(5):
        url = reverse("api:delegation-list", args=[programme.slug])
        assert len(results(client.get(url))) == rows
    # Token, its programmes, programme, role, the host's provinces (the region filter), the
    # page of participants, the access log entry.
    with django_assert_num_queries(7):
        url = reverse("api:participant-list", args=[programme.slug])
        assert len(results(client.get(url))) == rows
