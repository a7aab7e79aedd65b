"""Follow-up surveys sent by beat: who is asked, once per round, reminders, closing."""

import smtplib
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from participants.followup import (
    add_months,
    default_dates,
    eligible_participants,
    find_invitation,
    run_follow_ups,
)
from participants.followup_models import FollowUpInvitation, FollowUpRound
from participants.models import Participant
from participants.retention import anonymise_participant
from tests.factories import (
    FollowUpInvitationFactory,
    FollowUpResponseFactory,
    FollowUpRoundFactory,
    MilestoneFactory,
    ParticipantFactory,
    SurveyedParticipantFactory,
    UserFactory,
)

BASE_URL = "https://tpbis.example.org"
# 18 February 2024, 09:00 in Jakarta: the day after the default round opened.
OPEN_DAY = datetime(2024, 2, 18, 2, 0, tzinfo=UTC)


@pytest.fixture
def round_(programme):
    return FollowUpRoundFactory(programme=programme)


def run(now=OPEN_DAY) -> dict[str, int]:
    return run_follow_ups(now=now, base_url=BASE_URL)


def test_add_months_keeps_the_day_or_takes_the_last_of_a_short_month():
    assert add_months(date(2023, 11, 17), 3) == date(2024, 2, 17)
    assert add_months(date(2023, 11, 30), 3) == date(2024, 2, 29)
    assert add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)
    assert add_months(date(2023, 12, 1), 1) == date(2024, 1, 1)


def test_default_dates_follow_the_programmes_last_day(programme):
    assert programme.end_date == date(2023, 11, 17)
    assert default_dates(programme, 6) == (date(2024, 5, 17), date(2024, 6, 14))


def test_only_participants_who_took_part_and_consented_are_asked(programme):
    asked = SurveyedParticipantFactory(programme=programme, full_name="Asked")
    SurveyedParticipantFactory(programme=programme, status=Participant.Status.WITHDRAWN)
    SurveyedParticipantFactory(programme=programme, status=Participant.Status.DECLINED)
    SurveyedParticipantFactory(programme=programme, status=Participant.Status.INVITED)
    SurveyedParticipantFactory(programme=programme, privacy_consent_at=None)
    SurveyedParticipantFactory(programme=programme, user=None)
    SurveyedParticipantFactory(programme=programme, user__is_active=False)
    erased = SurveyedParticipantFactory(programme=programme)
    erased.erased_at = OPEN_DAY
    erased.save()
    assert list(eligible_participants(programme)) == [asked]


def test_beat_opens_the_round_and_invites_each_participant_once(programme, round_):
    ana = SurveyedParticipantFactory(programme=programme, full_name="Ana", email="ana@example.org")
    MilestoneFactory(plan__participant=ana)
    MilestoneFactory(plan=ana.action_plan)
    SurveyedParticipantFactory(programme=programme, status=Participant.Status.WITHDRAWN)

    assert run() == {"closed": 0, "invited": 1, "reminded": 0}
    # Beat fires again (twice in the same hour, or a second beat): nothing more is sent.
    assert run() == {"closed": 0, "invited": 0, "reminded": 0}

    round_.refresh_from_db()
    assert round_.opened_at == OPEN_DAY
    assert round_.state == FollowUpRound.State.OPEN
    invitation = FollowUpInvitation.objects.get()
    assert (invitation.participant, invitation.sent_at) == (ana, OPEN_DAY)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@example.org"]
    assert message.subject.startswith(f"{programme.short_name_en}: how is your action plan going?")
    assert "Please tell us where each of your 2 milestones stands." in message.body
    link = next(line for line in message.body.splitlines() if line.startswith(BASE_URL))
    assert find_invitation(link.rsplit("/", 2)[-2]) == invitation


def test_nothing_is_sent_before_the_round_opens_in_the_programmes_time_zone(programme, round_):
    SurveyedParticipantFactory(programme=programme)
    # 16 February 2024, 23:00 in Jakarta: the round opens the next day.
    assert run(datetime(2024, 2, 16, 16, 0, tzinfo=UTC))["invited"] == 0
    round_.refresh_from_db()
    assert round_.opened_at is None
    # One hour later it is the 17th in Jakarta.
    assert run(datetime(2024, 2, 16, 17, 0, tzinfo=UTC))["invited"] == 1


def test_an_invitation_created_by_another_run_is_not_sent_twice(programme, round_):
    ana = SurveyedParticipantFactory(programme=programme)
    # Another run created and sent Ana's invitation between our two steps.
    FollowUpInvitationFactory(round=round_, participant=ana, sent_at=OPEN_DAY)
    assert run()["invited"] == 0
    assert FollowUpInvitation.objects.count() == 1
    assert mail.outbox == []


def test_a_failed_send_is_tried_again_by_the_next_run(programme, round_, monkeypatch):
    SurveyedParticipantFactory(programme=programme)

    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    assert run()["invited"] == 0
    invitation = FollowUpInvitation.objects.get()
    assert (invitation.sent_at, invitation.token_hash) == (None, None)
    monkeypatch.undo()
    assert run()["invited"] == 1
    assert len(mail.outbox) == 1


def test_participant_who_withdraws_after_the_invitation_is_not_reminded(programme, round_):
    ana = SurveyedParticipantFactory(programme=programme)
    run()
    ana.status = Participant.Status.WITHDRAWN
    ana.save()
    assert run(OPEN_DAY + timedelta(days=8))["reminded"] == 0
    assert len(mail.outbox) == 1


def test_reminders_after_the_interval_at_most_twice_with_a_new_link(programme, round_, settings):
    settings.FOLLOW_UP_REMINDER_DAYS = 7
    settings.FOLLOW_UP_MAX_REMINDERS = 2
    SurveyedParticipantFactory(programme=programme)
    run()
    first_hash = FollowUpInvitation.objects.get().token_hash
    assert run(OPEN_DAY + timedelta(days=6))["reminded"] == 0
    assert run(OPEN_DAY + timedelta(days=7))["reminded"] == 1
    assert run(OPEN_DAY + timedelta(days=7, hours=1))["reminded"] == 0
    assert run(OPEN_DAY + timedelta(days=14))["reminded"] == 1
    assert run(OPEN_DAY + timedelta(days=21))["reminded"] == 0
    invitation = FollowUpInvitation.objects.get()
    assert invitation.reminders_sent == 2
    assert invitation.token_hash != first_hash
    assert [m.subject.startswith("Reminder") for m in mail.outbox] == [False, True, True]
    assert "replaces the one sent before" in mail.outbox[1].body


def test_no_reminder_once_answered(programme, round_):
    SurveyedParticipantFactory(programme=programme)
    run()
    FollowUpResponseFactory(invitation=FollowUpInvitation.objects.get())
    assert run(OPEN_DAY + timedelta(days=8))["reminded"] == 0


def test_round_closes_after_its_last_day_and_sends_nothing_more(programme, round_):
    SurveyedParticipantFactory(programme=programme)
    # 17 March 2024, 00:30 in Jakarta: the 16th, the round's last day, is over.
    after = datetime(2024, 3, 16, 17, 30, tzinfo=UTC)
    assert run(after) == {"closed": 1, "invited": 0, "reminded": 0}
    round_.refresh_from_db()
    assert round_.closed_at == after
    assert round_.state == FollowUpRound.State.CLOSED
    assert mail.outbox == []


def test_each_round_invites_again(programme, round_):
    SurveyedParticipantFactory(programme=programme)
    run()
    FollowUpRoundFactory(
        programme=programme, months_after=6, opens_on=date(2024, 5, 17), closes_on=date(2024, 6, 14)
    )
    assert run(datetime(2024, 5, 17, 2, 0, tzinfo=UTC))["invited"] == 1
    assert FollowUpInvitation.objects.count() == 2
    assert len(mail.outbox) == 2


def test_erasure_deletes_the_follow_up_answers(programme, round_):
    response = FollowUpResponseFactory(invitation__round=round_, story="Our corner is open.")
    participant = response.invitation.participant
    anonymise_participant(participant=participant, now=OPEN_DAY)
    assert FollowUpInvitation.objects.filter(participant=participant).count() == 0


def test_someone_without_an_account_e_mail_is_not_asked(programme, round_):
    ParticipantFactory(
        programme=programme,
        status=Participant.Status.COMPLETED,
        privacy_consent_at=OPEN_DAY,
        user=UserFactory(email=""),
    )
    assert run()["invited"] == 0
