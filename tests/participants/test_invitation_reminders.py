"""Automatic invitation reminders after each programme's number of days."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from participants.invitations import MAX_INVITATION_REMINDERS, send_invitation_reminders
from participants.models import Invitation, Participant
from participants.tasks import send_invitation_reminders_task
from tests.conftest import client_for
from tests.factories import (
    InvitationFactory,
    MembershipFactory,
    ParticipantFactory,
    ProgrammeFactory,
)

BASE_URL = "https://tpbis.example.org"


@pytest.fixture
def programme(db):
    today = timezone.localdate()
    return ProgrammeFactory(
        start_date=today + timedelta(days=60),
        invitation_reminder_days=3,
        title_en="Knowledge Sharing Programme on Reading",
        title_local="Program Berbagi Pengetahuan tentang Membaca",
        short_name_en="KSP Reading",
    )


def invited(programme, *, days_ago: float, **fields) -> Invitation:
    organiser = MembershipFactory(programme=programme).user
    participant = ParticipantFactory(programme=programme, **fields)
    return InvitationFactory(
        participant=participant,
        sent_by=organiser,
        sent_at=timezone.now() - timedelta(days=days_ago),
    )


def run(django_capture_on_commit_callbacks, *, now=None) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return send_invitation_reminders(now=now or timezone.now(), base_url=BASE_URL)


def test_reminder_goes_once_per_interval(programme, django_capture_on_commit_callbacks):
    invitation = invited(programme, days_ago=4, email="ana@example.org")
    old_hash = invitation.token_hash
    assert run(django_capture_on_commit_callbacks) == 1
    assert run(django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@example.org"]
    assert message.reply_to == [invitation.sent_by.email]
    assert message.subject.startswith("Reminder: invitation to KSP Reading")
    assert f"{BASE_URL}/invitations/" in message.body
    # English, then Indonesian.
    assert "and we have not yet had your answer" in message.body
    assert "Program Berbagi Pengetahuan tentang Membaca" in message.body
    invitation.refresh_from_db()
    assert invitation.token_hash != old_hash
    assert invitation.reminders_sent == 1
    assert invitation.reminded_at is not None
    assert invitation.send_count == 2

    # After another interval, one more.
    later = timezone.now() + timedelta(days=3, minutes=1)
    assert run(django_capture_on_commit_callbacks, now=later) == 1
    assert run(django_capture_on_commit_callbacks, now=later) == 0
    assert len(mail.outbox) == 2


def test_no_reminder_before_the_days_have_passed(programme, django_capture_on_commit_callbacks):
    invited(programme, days_ago=2.9)
    assert run(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_no_reminder_for_those_who_answered_or_cannot_be_invited(
    programme, django_capture_on_commit_callbacks
):
    accepted = invited(programme, days_ago=10, status=Participant.Status.CONFIRMED)
    Invitation.objects.filter(pk=accepted.pk).update(accepted_at=timezone.now())
    invited(programme, days_ago=10, status=Participant.Status.DECLINED)
    invited(programme, days_ago=10, status=Participant.Status.CONFIRMED)
    assert run(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_no_reminders_when_off_or_once_the_programme_began(
    programme, django_capture_on_commit_callbacks
):
    invited(programme, days_ago=10)
    programme.invitation_reminder_days = 0
    programme.save()
    assert run(django_capture_on_commit_callbacks) == 0
    programme.invitation_reminder_days = 3
    programme.start_date = timezone.localdate() - timedelta(days=1)
    programme.end_date = programme.start_date + timedelta(days=4)
    programme.save()
    assert run(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_reminders_stop_after_the_last_one(programme, django_capture_on_commit_callbacks):
    invitation = invited(programme, days_ago=4)
    Invitation.objects.filter(pk=invitation.pk).update(reminders_sent=MAX_INVITATION_REMINDERS)
    assert run(django_capture_on_commit_callbacks) == 0


def test_beat_task_sends_the_reminders_twice_run_once_each(
    programme, django_capture_on_commit_callbacks
):
    invited(programme, days_ago=5, email="one@example.org")
    invited(programme, days_ago=5, email="two@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        send_invitation_reminders_task.delay()
        send_invitation_reminders_task.delay()
    assert sorted(message.to[0] for message in mail.outbox) == [
        "one@example.org",
        "two@example.org",
    ]
    assert f"{settings.SITE_URL}/invitations/" in mail.outbox[0].body


def test_beat_schedule_runs_the_reminders_hourly():
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["participants.send_invitation_reminders"] == 60 * 60


def test_programme_form_takes_the_reminder_days(db):
    from programs.forms import ProgrammeForm

    from ..programs.test_forms import programme_data

    form = ProgrammeForm(programme_data(invitation_reminder_days="5"))
    assert form.is_valid(), form.errors
    assert form.save().invitation_reminder_days == 5
    form = ProgrammeForm(programme_data(short_name_en="Other"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["invitation_reminder_days"] == 0
    form = ProgrammeForm(programme_data(invitation_reminder_days="-1"))
    assert form.errors == {
        "invitation_reminder_days": ["Ensure this value is greater than or equal to 0."]
    }


def test_participant_page_shows_the_reminders(programme, django_capture_on_commit_callbacks):
    invitation = invited(programme, days_ago=4)
    now = timezone.now()
    run(django_capture_on_commit_callbacks, now=now)
    participant = invitation.participant
    page = client_for(invitation.sent_by).get(
        reverse("participants:detail", args=[programme.slug, participant.pk])
    )
    local = timezone.localtime(now, programme.tzinfo)
    assert f"1, the last on {local:%-d %b %Y, %H:%M}" in page.content.decode()


def test_organiser_sets_the_reminder_days_and_the_about_page_says_so(cast, programme):
    from ..programs.test_forms import programme_data

    client = client_for(cast["organiser"])
    detail = reverse("programs:detail", args=[programme.slug])
    assert "reminded every 3 days, three times at most" in client.get(detail).content.decode()
    for days, told in [("5", "reminded every 5 days"), ("", "Off: set a number of days")]:
        data = programme_data(
            short_name_en=programme.short_name_en,
            title_en=programme.title_en,
            start_date=programme.start_date.isoformat(),
            end_date=programme.end_date.isoformat(),
            invitation_reminder_days=days,
        )
        response = client.post(reverse("programs:edit", args=[programme.slug]), data)
        assert response.status_code == 302
        programme.refresh_from_db()
        assert programme.invitation_reminder_days == int(days or 0)
        assert told in client.get(detail).content.decode()
