"""Editing an item's time or place from the timetable e-mails the people booked on it."""

from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.factories import AssignmentFactory, ParticipantFactory, SessionFactory, UserFactory


def _booked_item(programme):
    # Notices are only sent for items still to come.
    starts_at = timezone.now() + timedelta(days=10)
    item = SessionFactory(
        programme=programme,
        title_en="Workshop on reading corners",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
    )
    delegate = UserFactory(email="booked.delegate@example.org")
    participant = ParticipantFactory(
        programme=programme, user=delegate, email=delegate.email, status="confirmed"
    )
    AssignmentFactory(session=item, participant=participant)
    return item


def test_moving_an_item_emails_its_participants(
    cast, programme, django_capture_on_commit_callbacks
):
    item = _booked_item(programme)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast["staff"]).post(
            reverse("visits:item_move", args=[programme.slug, item.pk]), {"start_time": "11:00"}
        )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.revision == 1
    assert [m.to for m in mail.outbox] == [["booked.delegate@example.org"]]
    assert "Workshop on reading corners" in mail.outbox[0].body


def test_cancelling_an_item_emails_its_participants(
    cast, programme, django_capture_on_commit_callbacks
):
    item = _booked_item(programme)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cast["staff"]).post(
            reverse("visits:item_cancel", args=[programme.slug, item.pk])
        )
    assert [m.to for m in mail.outbox] == [["booked.delegate@example.org"]]
