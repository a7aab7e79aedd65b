"""The delegate's agenda as a PDF: their own items only, in the programme's time zone."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from participants.models import Participant
from programs.models import Programme
from tests.conftest import client_for
from tests.factories import (
    AssignmentFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    SiteFactory,
    VehicleFactory,
    VisitGroupFactory,
)
from visits.models import Assignment, Session, VisitGroup


def pdf_text(data: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


@pytest.fixture
def visit(programme, cast):
    """A site visit in two groups: delegate A in Group Alpha, delegate B in Group Beta."""
    site = SiteFactory(
        name="Perpustakaan Mutiara Rawa Binong", address="Rawa Binong", city="Jakarta Timur"
    )
    day = programme.start_date + timedelta(days=3)
    session = SessionFactory(
        programme=programme,
        kind=Session.Kind.SITE_VISIT,
        title_en="Site visit: Rawa Binong",
        site=site,
        starts_at=programme.local_datetime(day, 8, 30),
        ends_at=programme.local_datetime(day, 12, 30),
        departure_point="Main lobby",
        departs_at=programme.local_datetime(day, 8, 15),
        returns_at=programme.local_datetime(day, 12, 30),
        speakers="Library manager",
    )
    alpha = VisitGroupFactory(
        session=session, name="Group Alpha", capacity=10, guide_name="Guide Ani"
    )
    beta = VisitGroupFactory(
        session=session, name="Group Beta", capacity=10, guide_name="Guide Budi"
    )
    bus = VehicleFactory(session=session, name="Bus 1", seats=30, plate="B 7123 TPB")
    delegate_a = Participant.objects.get(user=cast["delegate"])
    delegate_b = Participant.objects.get(user=cast["delegate_b"])
    AssignmentFactory(session=session, participant=delegate_a, group=alpha, vehicle=bus)
    AssignmentFactory(session=session, participant=delegate_b, group=beta, vehicle=bus)
    only_b = SessionFactory(programme=programme, title_en="Workshop for delegate B only")
    AssignmentFactory(session=only_b, participant=delegate_b)
    return session


def test_agenda_pdf_is_named_after_the_programme(cast, programme, visit):
    response = client_for(cast["delegate"]).get(reverse("reports:my_agenda_pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="agenda-{programme.slug}.pdf"'


def test_agenda_pdf_holds_the_delegate_items_and_nobody_else(cast, programme, visit):
    response = client_for(cast["delegate"]).get(reverse("reports:my_agenda_pdf"))
    text = pdf_text(response.content)

    assert "Thursday, 16 November 2023" in text
    assert "08:30–12:30" in text  # Asia/Jakarta wall-clock time
    assert "Site visit: Rawa Binong" in text
    assert "Perpustakaan Mutiara Rawa Binong · Rawa Binong, Jakarta Timur" in text
    assert "Departure: 08:15 · Main lobby · return 12:30" in text
    assert "Group: Group Alpha · guide Guide Ani" in text
    assert "Vehicle: Bus 1 (B 7123 TPB)" in text
    assert "Speakers: Library manager" in text
    assert "Asia/Jakarta (WIB, UTC+7)" in text
    assert "Group Beta" not in text
    assert "Guide Budi" not in text
    assert "Workshop for delegate B only" not in text


def test_another_programme_of_the_delegate_can_be_chosen_but_not_a_strangers(cast, programme):
    other = ProgrammeFactory(slug="second-programme", start_date=programme.start_date)
    ParticipantFactory(programme=other, user=cast["delegate"], email="delegate.a2@example.org")
    stranger = ProgrammeFactory(slug="stranger-programme")
    client = client_for(cast["delegate"])

    chosen = client.get(reverse("reports:my_agenda_pdf") + "?programme=second-programme")
    assert chosen.status_code == 200
    assert chosen["Content-Disposition"] == 'attachment; filename="agenda-second-programme.pdf"'
    refused = client.get(reverse("reports:my_agenda_pdf") + f"?programme={stranger.slug}")
    assert refused.status_code == 404


def test_cancelled_items_are_marked(cast, programme):
    delegate = Participant.objects.get(user=cast["delegate"])
    session = SessionFactory(programme=programme, title_en="Cancelled lecture")
    session.cancelled_at = session.starts_at
    session.save()
    AssignmentFactory(session=session, participant=delegate)
    text = pdf_text(client_for(cast["delegate"]).get(reverse("reports:my_agenda_pdf")).content)
    assert "Cancelled lecture CANCELLED" in text


def test_agenda_pdf_refuses_post(cast):
    response = client_for(cast["delegate"]).post(reverse("reports:my_agenda_pdf"))
    assert response.status_code == 405
    assert response["Content-Type"] != "application/pdf"


def test_demo_delegate_agenda_pdf(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("loaddemo", stdout=io.StringIO())
    programme = Programme.objects.get(slug="tpbis-2023")
    delegate = Participant.objects.get(programme=programme, email="delegate@example.org")
    group = Assignment.objects.get(participant=delegate, group__isnull=False).group
    other_group = VisitGroup.objects.exclude(pk=group.pk).get(session=group.session)

    response = client_for(delegate.user).get(reverse("reports:my_agenda_pdf"))
    text = pdf_text(response.content)

    assert response["Content-Disposition"] == 'attachment; filename="agenda-tpbis-2023.pdf"'
    assert "Nguyễn Thị Thu Hà" in text
    for title in Session.objects.filter(programme=programme).values_list("title_en", flat=True):
        assert title in text
    assert f"Group: {group.name}" in text
    assert other_group.guide_name not in text


@pytest.mark.parametrize("size", [10, 300])
def test_agenda_pdf_queries_do_not_grow_with_items(
    cast, programme, size, django_assert_max_num_queries
):
    delegate = Participant.objects.get(user=cast["delegate"])
    start = programme.local_datetime(programme.start_date, 8)
    sessions = Session.objects.bulk_create(
        [
            SessionFactory.build(
                programme=programme,
                kind=Session.Kind.LECTURE,
                title_en=f"Lecture {number}",
                starts_at=start + timedelta(minutes=20 * number),
                ends_at=start + timedelta(minutes=20 * number + 15),
                speakers="Resource person",
            )
            for number in range(size)
        ]
    )
    Assignment.objects.bulk_create(
        [AssignmentFactory.build(session=session, participant=delegate) for session in sessions]
    )
    client = client_for(cast["delegate"])
    # Queries: session and user; the user's participations (with programmes); the bookings
    # with items, sites, groups and vehicles; the speakers who are participants; the
    # delegate's country (printed as their origin).
    with django_assert_max_num_queries(6):
        response = client.get(reverse("reports:my_agenda_pdf"))
    assert f"Lecture {size - 1}" in pdf_text(response.content)
