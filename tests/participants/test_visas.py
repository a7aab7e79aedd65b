"""Visas of international delegates: the rules, the organisers' page, the list and dashboard."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from participants.models import Participant, Visa
from participants.visas import set_visa, visa_status_counts, visa_status_of

from ..conftest import client_for
from ..factories import ParticipantFactory, VisaFactory, member_country

Status = Visa.Status
NO_DATES = {"applied_on": None, "decided_on": None, "reference": "", "note": ""}


@pytest.fixture
def delegate(programme):
    return ParticipantFactory(programme=programme, full_name_latin="Sita Shrestha")


def _visa_url(participant) -> str:
    return reverse("participants:visa_edit", args=[participant.programme.slug, participant.pk])


def _errors(error: ValidationError) -> dict:
    return {name: [str(m) for m in messages] for name, messages in error.message_dict.items()}


# --- Rules -----------------------------------------------------------------------------------


def test_no_visa_row_is_unknown(delegate):
    assert visa_status_of(delegate) == Status.UNKNOWN
    assert not Visa.objects.exists()


def test_set_visa_records_status_dates_and_who(delegate, cast):
    visa = set_visa(
        delegate,
        status=Status.ISSUED,
        applied_on=date(2023, 10, 2),
        decided_on=date(2023, 10, 16),
        reference=" B211A-0231 ",
        note="Single entry.",
        by=cast["organiser"],
    )
    stored = Visa.objects.get(participant=delegate)
    assert stored == visa
    assert (stored.status, stored.applied_on, stored.decided_on, stored.reference) == (
        Status.ISSUED,
        date(2023, 10, 2),
        date(2023, 10, 16),
        "B211A-0231",
    )
    assert (stored.note, stored.updated_by) == ("Single entry.", cast["organiser"])
    assert visa_status_of(Participant.objects.get(pk=delegate.pk)) == Status.ISSUED


@pytest.mark.parametrize(
    ("status", "dates", "expected"),
    [
        (Status.ISSUED, {}, {"decided_on": ["Say when the visa was issued or refused."]}),
        (Status.REFUSED, {}, {"decided_on": ["Say when the visa was issued or refused."]}),
        (Status.APPLIED, {}, {"applied_on": ["Say when the visa was applied for."]}),
        (
            Status.ISSUED,
            {"applied_on": date(2023, 10, 9), "decided_on": date(2023, 10, 2)},
            {"decided_on": ["A decision cannot come before the application."]},
        ),
        (
            Status.APPLIED,
            {"applied_on": "far"},
            {"applied_on": ["This date is more than a year ahead: check the year."]},
        ),
    ],
)
def test_set_visa_refuses_dates_that_do_not_fit_and_saves_nothing(
    delegate, status, dates, expected
):
    if dates.get("applied_on") == "far":
        dates = {"applied_on": timezone.localdate() + timedelta(days=400)}
    with pytest.raises(ValidationError) as raised:
        set_visa(delegate, status=status, by=None, **{**NO_DATES, **dates})
    assert _errors(raised.value) == expected
    assert not Visa.objects.exists()


def test_set_visa_accepts_a_date_within_the_coming_year(delegate):
    soon = timezone.localdate() + timedelta(days=300)
    set_visa(delegate, status=Status.APPLIED, by=None, **{**NO_DATES, "applied_on": soon})
    assert Visa.objects.get().applied_on == soon


def test_set_visa_refuses_domestic_participants(programme):
    domestic = ParticipantFactory(
        programme=programme, category=Participant.Category.DOMESTIC, region="Kota Bandung"
    )
    with pytest.raises(ValidationError) as raised:
        set_visa(domestic, status=Status.NOT_REQUIRED, by=None, **NO_DATES)
    assert raised.value.messages == ["Only international delegates need a visa."]
    assert not Visa.objects.exists()


def test_set_visa_keeps_one_row_per_participant(delegate):
    set_visa(delegate, status=Status.LETTER_SENT, by=None, **NO_DATES)
    set_visa(delegate, status=Status.ON_ARRIVAL, by=None, **NO_DATES)
    assert list(Visa.objects.values_list("participant", "status")) == [
        (delegate.pk, Status.ON_ARRIVAL)
    ]


# --- The page --------------------------------------------------------------------------------


def test_organiser_records_a_visa_on_its_page(cast, delegate):
    client = client_for(cast["organiser"])
    page = client.get(_visa_url(delegate)).content.decode()
    assert "Visa of Sita Shrestha" in page
    assert 'name="decided_on"' in page
    response = client.post(
        _visa_url(delegate),
        {
            "status": "issued",
            "applied_on": "2023-10-02",
            "decided_on": "2023-10-16",
            "reference": "B211A-0231",
            "note": "Collected at the embassy in Kathmandu.",
        },
    )
    assert response["Location"] == reverse(
        "participants:detail", args=[delegate.programme.slug, delegate.pk]
    )
    visa = Visa.objects.get(participant=delegate)
    assert (visa.status, visa.applied_on, visa.decided_on, visa.reference, visa.note) == (
        Status.ISSUED,
        date(2023, 10, 2),
        date(2023, 10, 16),
        "B211A-0231",
        "Collected at the embassy in Kathmandu.",
    )
    assert visa.updated_by == cast["organiser"]
    detail = client.get(response["Location"]).content.decode()
    assert "Issued" in detail and _visa_url(delegate) in detail


def test_visa_page_shows_field_errors_and_keeps_the_recorded_visa(cast, delegate):
    VisaFactory(participant=delegate, status=Status.APPLIED, applied_on=date(2023, 10, 2))
    response = client_for(cast["organiser"]).post(
        _visa_url(delegate), {"status": "refused", "applied_on": "2023-10-02", "decided_on": ""}
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "decided_on": ["Say when the visa was issued or refused."]
    }
    # The page still shows what is recorded, and so does the database.
    assert response.context["visa"].status == Status.APPLIED
    assert Visa.objects.get().status == Status.APPLIED


def test_staff_read_the_visa_but_cannot_change_it(cast, delegate):
    VisaFactory(participant=delegate, status=Status.E_VISA, reference="EV-1")
    client = client_for(cast["staff"])
    response = client.get(_visa_url(delegate))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert "EV-1" in response.content.decode()
    response = client.post(_visa_url(delegate), {"status": "refused", "decided_on": "2023-10-02"})
    assert response.status_code == 403
    assert Visa.objects.get().status == Status.E_VISA


def test_domestic_participants_have_no_visa_page(cast, programme):
    domestic = ParticipantFactory(
        programme=programme, category=Participant.Category.DOMESTIC, region="Kota Bandung"
    )
    client = client_for(cast["organiser"])
    assert client.get(_visa_url(domestic)).status_code == 404
    assert client.post(_visa_url(domestic), {"status": "not_required"}).status_code == 404
    assert not Visa.objects.exists()
    detail = client.get(reverse("participants:detail", args=[programme.slug, domestic.pk]))
    assert _visa_url(domestic) not in detail.content.decode()


# --- The list's filter and the dashboard's counts --------------------------------------------


@pytest.fixture
def visas(cast, programme):
    """Delegates in every state that counts, besides the cast's two (no visa recorded)."""
    laos = member_country("LA")

    def add(visa=None, **fields):
        participant = ParticipantFactory(programme=programme, country=laos, **fields)
        if visa:
            VisaFactory(participant=participant, status=visa, decided_on=date(2023, 10, 2))
        return participant

    return {
        "issued": add(Status.ISSUED, full_name="Issued One"),
        "issued_2": add(Status.ISSUED, full_name="Issued Two"),
        "not_required": add(Status.NOT_REQUIRED, full_name="Not Required"),
        "unknown_row": add(Status.UNKNOWN, full_name="Unknown Row"),
        "withdrawn": add(Status.ISSUED, full_name="Withdrawn", status=Participant.Status.WITHDRAWN),
        "domestic": add(
            full_name="Domestic", category=Participant.Category.DOMESTIC, region="Kota Bandung"
        ),
    }


def _listed(cast, programme, **params) -> list[str]:
    response = client_for(cast["organiser"]).get(
        reverse("participants:list", args=[programme.slug]), params
    )
    return sorted(p.full_name for p in response.context["participants"])


def test_list_filters_international_delegates_by_visa(cast, programme, visas):
    delegates = sorted(p.full_name for p in programme.participants.filter(user__isnull=False))
    assert _listed(cast, programme, visa="issued") == ["Issued One", "Issued Two", "Withdrawn"]
    # No row counts as unknown; domestic participants need no visa and are never listed.
    assert _listed(cast, programme, visa="unknown") == sorted([*delegates, "Unknown Row"])
    assert _listed(cast, programme, visa="refused") == []


def test_dashboard_counts_active_delegates_by_visa_with_links(cast, programme, visas):
    response = client_for(cast["staff"]).get(
        reverse("participants:dashboard", args=[programme.slug])
    )
    counts = {row["value"]: row["count"] for row in response.context["visas"]}
    assert counts == {
        "unknown": 3,
        "not_required": 1,
        "on_arrival": 0,
        "e_visa": 0,
        "letter_sent": 0,
        "applied": 0,
        "issued": 2,
        "refused": 0,
    }
    page = response.content.decode()
    assert reverse("participants:list", args=[programme.slug]) + "?visa=issued" in page


@pytest.mark.parametrize("size", [10, 200])
def test_visa_counts_take_one_query(programme, size, django_assert_max_num_queries):
    people = ParticipantFactory.create_batch(size, programme=programme)
    for person in people[::2]:
        VisaFactory(participant=person, status=Status.NOT_REQUIRED)
    with django_assert_max_num_queries(1):
        counts = {row["value"]: row["count"] for row in visa_status_counts(programme)}
    assert (counts["unknown"], counts["not_required"]) == (size // 2, size // 2)
