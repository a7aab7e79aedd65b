import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from participants.models import Nomination, Participant
from programs.models import FocalPoint, Programme

JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("loaddemo", stdout=io.StringIO())
    return Programme.objects.get(slug="tpbis-2023")


def test_demo_call_closed_at_its_deadline_before_the_programme(demo):
    call = demo.nomination_call
    assert call.deadline == datetime(2023, 9, 15, 23, 59, tzinfo=JAKARTA)
    assert call.closed_at == call.deadline
    assert call.created_at == datetime(2023, 8, 1, 9, 0, tzinfo=JAKARTA)
    assert not call.is_open(now=datetime(2023, 9, 1, tzinfo=JAKARTA))
    assert (call.requires_cv, call.requires_nomination_letter) == (True, True)
    assert "three years" in call.eligibility_en
    assert "tiga tahun" in call.eligibility_local
    questions = list(call.questions.all())
    assert [q.kind for q in questions] == ["choice", "text"]
    assert all(q.text_local for q in questions)
    # Every candidate answered every question; a choice is one of the question's choices.
    for nomination in call.nominations.prefetch_related("answers__question"):
        answers = {a.question: a.text for a in nomination.answers.all()}
        assert set(answers) == set(questions)
        assert answers[questions[0]] in questions[0].choice_list
        assert answers[questions[1]]


def test_every_international_delegate_is_selected_by_their_own_delegation(demo):
    international = demo.participants.filter(category=Participant.Category.INTERNATIONAL)
    assert international.count() == 8
    for participant in international.select_related("nomination__delegation"):
        nomination = participant.nomination
        assert nomination.status == Nomination.Status.SELECTED
        assert nomination.delegation.country_id == participant.country_id
        assert (
            nomination.full_name,
            nomination.full_name_latin,
            nomination.email,
            nomination.gender,
            nomination.position,
            nomination.institution,
        ) == (
            participant.full_name,
            participant.full_name_latin,
            participant.email,
            participant.gender,
            participant.position,
            participant.institution,
        )
    nominations = demo.nomination_call.nominations
    # The selected are exactly the delegates; the domestic representatives were not nominated.
    assert nominations.filter(status=Nomination.Status.SELECTED).count() == 8
    assert nominations.filter(participant__isnull=False).count() == 8
    assert not Nomination.objects.filter(participant__category=Participant.Category.DOMESTIC)


def test_demo_selection_keeps_to_seats_and_reserves_with_decisions_on_record(demo):
    call = demo.nomination_call
    organiser = get_user_model().objects.get(email="organiser@example.org")
    statuses = set()
    for delegation in demo.delegations.filter(country__isnull=False):
        nominations = list(call.nominations.filter(delegation=delegation))
        by_status = {}
        for nomination in nominations:
            by_status.setdefault(nomination.status, []).append(nomination)
        assert len(by_status.get("selected", [])) <= delegation.seats
        assert delegation.reserves == 1
        reserves = by_status.get("reserve", [])
        assert len(reserves) <= delegation.reserves
        assert [n.reserve_rank for n in reserves] == list(range(1, len(reserves) + 1))
        assert len(nominations) <= delegation.seats + delegation.reserves
        focal_points = {f.user_id for f in delegation.focal_points.all()}
        for nomination in nominations:
            statuses.add(nomination.status)
            assert nomination.nominated_by_id in focal_points
            assert nomination.created_at <= call.deadline
            assert nomination.decision_note
            assert nomination.decided_by == organiser
            assert call.deadline < nomination.decided_at < demo.local_datetime(demo.start_date, 0)
            assert (nomination.status == "reserve") == (nomination.reserve_rank is not None)
    assert statuses == {"selected", "reserve", "not_selected"}
    assert call.nominations.filter(status="reserve").count() == 3
    assert call.nominations.filter(status="not_selected").count() == 2


def test_demo_nominations_have_a_cv_and_a_nomination_letter_in_pdf(demo):
    for nomination in demo.nomination_call.nominations.all():
        for document in (nomination.cv, nomination.nomination_letter):
            assert document.name.endswith(".pdf")
            with document.open("rb") as stored:
                text = pypdf.PdfReader(stored, strict=True).pages[0].extract_text()
            assert (nomination.full_name_latin or nomination.full_name) in text
            assert "(sample)" in text


def test_each_international_delegation_has_a_focal_point_who_can_sign_in(demo):
    delegations = demo.delegations.filter(country__isnull=False).select_related("country")
    assert delegations.count() == 6
    for delegation in delegations:
        (focal_point,) = FocalPoint.objects.filter(delegation=delegation).select_related("user")
        assert focal_point.user.email.startswith("focal.")
        assert delegation.contact_email == focal_point.user.email
        assert focal_point.invited_at < demo.nomination_call.deadline
    assert not FocalPoint.objects.filter(delegation__country__isnull=True)
    client = Client()
    response = client.post(
        reverse("account_login"),
        {"login": "focal.srilanka@example.org", "password": "tpbis-focal-2023"},
    )
    assert response.status_code == 302
    page = client.get(reverse("home")).content.decode()
    assert "Programmes you nominate for" in page
    assert "Focal point of Sri Lanka" in page
    # Not a member of the team: the participant list is not theirs to see.
    assert client.get(reverse("participants:list", args=[demo.slug])).status_code == 404


def test_demo_call_pages_show_each_reader_their_own_candidates(demo):
    client = Client()
    client.force_login(get_user_model().objects.get(email="focal.srilanka@example.org"))
    page = client.get(reverse("participants:nominations", args=[demo.slug])).content.decode()
    for name in ("Nimal Perera", "Kavitha Rajendran", "Chamila Jayasinghe"):
        assert name in page
    assert "Somphone Phommavong" not in page
    nomination = Nomination.objects.get(email="chamila.jayasinghe@example.org")
    response = client.get(
        reverse("participants:nomination_document", args=[demo.slug, nomination.pk, "cv"])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")

    client.force_login(get_user_model().objects.get(email="organiser@example.org"))
    response = client.get(reverse("participants:selection", args=[demo.slug]))
    assert response.context["page"].paginator.count == 13
    assert response.context["balance"].selected == 8
