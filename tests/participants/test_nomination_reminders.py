"""Reminders about a call for nominations: focal points before the deadline, candidates whose
profile is unfinished."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from participants.invitations import hash_token
from participants.message_models import DeadlineReminder
from participants.models import Nomination
from participants.nomination_reminders import (
    MAX_PROFILE_REMINDERS,
    send_deadline_reminders,
    send_profile_reminders,
)
from participants.profile_links import find_nomination_for_token
from participants.tasks import send_nomination_reminders_task
from tests.factories import (
    DelegationFactory,
    FocalPointFactory,
    NominationCallFactory,
    NominationFactory,
    ProgrammeFactory,
    UserFactory,
    member_country,
)
from tests.participants.test_group_messages import FLAKY_BACKEND, FlakyBackend  # noqa: F401

BASE_URL = "https://tpbis.example.org"


@pytest.fixture
def programme(db):
    return ProgrammeFactory(
        short_name_en="KSP Reading",
        start_date=timezone.localdate() + timedelta(days=60),
        content_language="id",
    )


def call_closing_in(programme, days: float, *, opened_days_ago: float = 20):
    call = NominationCallFactory(
        programme=programme, deadline=timezone.now() + timedelta(days=days)
    )
    # created_at is set on save: move the opening back as a real call would be.
    type(call).objects.filter(pk=call.pk).update(
        created_at=timezone.now() - timedelta(days=opened_days_ago)
    )
    call.refresh_from_db()
    return call


def focal_point(programme, code: str, *, seats=1, reserves=1, email=None):
    delegation = DelegationFactory(
        programme=programme, country=member_country(code), seats=seats, reserves=reserves
    )
    user = UserFactory(email=email or f"fp-{code.lower()}@example.org")
    return FocalPointFactory(delegation=delegation, user=user)


# --- Focal points before the deadline ---------------------------------------------------------


def test_focal_points_with_places_left_are_reminded_once_per_step(programme):
    call = call_closing_in(programme, 6.5)
    malaysia = focal_point(programme, "MY", email="fp-my@example.org")
    full = focal_point(programme, "LK", seats=1, reserves=0)
    NominationFactory(call=call, delegation=full.delegation)
    NominationFactory(call=call, delegation=malaysia.delegation)

    assert send_deadline_reminders(now=timezone.now(), base_url=BASE_URL) == 1
    assert send_deadline_reminders(now=timezone.now(), base_url=BASE_URL) == 0

    [message] = mail.outbox
    assert message.to == ["fp-my@example.org"]
    assert message.subject.startswith("Reminder: nominations for KSP Reading close soon")
    assert (
        "Malaysia has nominated 1 candidate so far, of the 2 it may put forward "
        "(seats and reserves)." in message.body
    )
    assert f"{BASE_URL}/" in message.body
    assert list(DeadlineReminder.objects.values_list("user__email", "days_before")) == [
        ("fp-my@example.org", 7)
    ]

    # Two days before, the second step.
    later = call.deadline - timedelta(days=1, hours=12)
    assert send_deadline_reminders(now=later, base_url=BASE_URL) == 1
    assert send_deadline_reminders(now=later, base_url=BASE_URL) == 0
    assert sorted(DeadlineReminder.objects.values_list("days_before", flat=True)) == [2, 7]


def test_an_extended_deadline_is_reminded_again(programme):
    call = call_closing_in(programme, 1)
    focal_point(programme, "MY")
    assert send_deadline_reminders(now=timezone.now(), base_url=BASE_URL) == 1
    call.deadline += timedelta(days=7)
    call.save()
    assert send_deadline_reminders(now=call.deadline - timedelta(days=1), base_url=BASE_URL) == 1
    assert len(mail.outbox) == 2


def test_no_reminder_for_a_step_passed_before_the_call_opened_or_a_closed_call(programme):
    call = call_closing_in(programme, 5, opened_days_ago=1)
    focal_point(programme, "MY")
    assert send_deadline_reminders(now=timezone.now(), base_url=BASE_URL) == 0
    call.closed_at = timezone.now()
    call.save()
    assert send_deadline_reminders(now=call.deadline - timedelta(days=1), base_url=BASE_URL) == 0
    assert mail.outbox == []


def test_a_failed_deadline_reminder_is_not_recorded_and_goes_next_time(programme, settings):
    call_closing_in(programme, 6)
    focal_point(programme, "MY")
    settings.EMAIL_BACKEND = FLAKY_BACKEND
    FlakyBackend.failures = 1
    try:
        assert send_deadline_reminders(now=timezone.now(), base_url=BASE_URL) == 0
        assert DeadlineReminder.objects.count() == 0
        assert send_deadline_reminders(now=timezone.now(), base_url=BASE_URL) == 1
    finally:
        FlakyBackend.failures = 0
    assert DeadlineReminder.objects.count() == 1


# --- Candidates whose profile is unfinished ---------------------------------------------------


def nominated(programme, *, link_days_ago: float, **fields) -> Nomination:
    call = getattr(programme, "nomination_call", None) or NominationCallFactory(programme=programme)
    values = {
        "full_name": "Sita Sharma",
        "email": "sita@example.org",
        "profile_token_hash": hash_token("first-token"),
        "profile_link_sent_at": timezone.now() - timedelta(days=link_days_ago),
        **fields,
    }
    delegation = DelegationFactory(programme=programme, country=member_country("NP"))
    return NominationFactory(call=call, delegation=delegation, **values)


def link_in(body: str) -> str:
    return re.search(r"/nominations/profile/([^/\s]+)/", body).group(1)


def test_a_candidate_is_reminded_with_a_new_link_and_the_old_one_stops_working(programme):
    nomination = nominated(programme, link_days_ago=4)

    assert send_profile_reminders(now=timezone.now(), base_url=BASE_URL) == 1
    assert send_profile_reminders(now=timezone.now(), base_url=BASE_URL) == 0

    [message] = mail.outbox
    assert message.to == ["sita@example.org"]
    assert message.body.startswith("Dear Sita Sharma,")
    token = link_in(message.body)
    assert f"{BASE_URL}/nominations/profile/{token}/" in message.body
    assert find_nomination_for_token(token) == nomination
    assert find_nomination_for_token("first-token") is None
    nomination.refresh_from_db()
    assert nomination.profile_reminders_sent == 1


def test_at_most_three_reminders_each_after_the_interval(programme):
    nomination = nominated(programme, link_days_ago=4)
    now = timezone.now()
    step = timedelta(days=settings.NOMINATION_PROFILE_REMINDER_DAYS)
    sent = [send_profile_reminders(now=now + step * n, base_url=BASE_URL) for n in range(5)]
    assert sent == [1, 1, 1, 0, 0]
    nomination.refresh_from_db()
    assert nomination.profile_reminders_sent == MAX_PROFILE_REMINDERS


@pytest.mark.parametrize(
    "fields",
    [
        {"profile_completed_at": timezone.now()},
        {"status": Nomination.Status.WITHDRAWN},
        {"status": Nomination.Status.NOT_SELECTED},
        {"profile_link_sent_at": None, "profile_token_hash": ""},
    ],
)
def test_no_reminder_for_candidates_who_need_none(programme, fields):
    nominated(programme, link_days_ago=4, **fields)
    assert send_profile_reminders(now=timezone.now(), base_url=BASE_URL) == 0
    assert mail.outbox == []


def test_a_failed_profile_reminder_keeps_the_old_link(programme, settings):
    nomination = nominated(programme, link_days_ago=4)
    settings.EMAIL_BACKEND = FLAKY_BACKEND
    FlakyBackend.failures = 1
    try:
        assert send_profile_reminders(now=timezone.now(), base_url=BASE_URL) == 0
    finally:
        FlakyBackend.failures = 0
    nomination.refresh_from_db()
    assert (nomination.profile_token_hash, nomination.profile_reminders_sent) == (
        hash_token("first-token"),
        0,
    )


def test_the_beat_task_sends_both_kinds(programme):
    call_closing_in(programme, 6)
    focal_point(programme, "MY")
    nominated(programme, link_days_ago=4)
    assert send_nomination_reminders_task() == 2
    assert "nomination-reminders" in settings.CELERY_BEAT_SCHEDULE
    assert "sweep-queued-messages" in settings.CELERY_BEAT_SCHEDULE
