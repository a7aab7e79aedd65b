"""Beat firing twice with a real Celery worker: each participant gets one survey e-mail."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from participants.followup_models import FollowUpInvitation
from participants.tasks import run_follow_ups_task
from tests.factories import FollowUpRoundFactory, ProgrammeFactory, SurveyedParticipantFactory
from tests.reports.test_worker import worker_queue  # noqa: F401 (a fixture)
from tests.services import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_beat_firing_twice_sends_each_participant_one_survey(worker_queue, tmp_path):  # noqa: F811
    today = timezone.localdate()
    programme = ProgrammeFactory(
        start_date=today - timedelta(days=100), end_date=today - timedelta(days=96)
    )
    FollowUpRoundFactory(programme=programme, opens_on=today, closes_on=today + timedelta(28))
    SurveyedParticipantFactory(programme=programme, email="ana@example.org")
    SurveyedParticipantFactory(programme=programme, email="budi@example.org")

    # Two beats (or one beat that fires twice) queue the task back to back.
    run_follow_ups_task.delay()
    run_follow_ups_task.delay()
    log = tmp_path / "worker.log"
    wait_for(
        lambda: log.read_text().count("participants.run_follow_ups[") >= 4, 60, "both runs", log
    )
    time.sleep(0.5)

    invitations = FollowUpInvitation.objects.order_by("participant__email")
    assert [(i.participant.email, i.sent_at is not None) for i in invitations] == [
        ("ana@example.org", True),
        ("budi@example.org", True),
    ]
    text = log.read_text()
    # The worker's e-mail backend writes each message to its log.
    assert text.count("To: ana@example.org") == 1
    assert text.count("To: budi@example.org") == 1
