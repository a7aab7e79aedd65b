"""Group messages: the preview, the send by the workers, retries, the log, and the sweep."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse
from django.utils import timezone

from participants.group_messages import (
    deliver_to_recipient,
    enqueue_recipients,
    retry_delay,
    sweep_queued_recipients,
)
from participants.message_models import GroupMessage, MessageRecipient
from participants.models import Participant
from participants.tasks import send_group_message_task
from tests.conftest import client_for
from tests.factories import (
    FocalPointFactory,
    GroupMessageFactory,
    MembershipFactory,
    MessageRecipientFactory,
    ParticipantFactory,
    ProgrammeFactory,
    UserFactory,
    member_country,
)
from tests.reports.test_jobs import UNREACHABLE_BROKER, broker

FLAKY_BACKEND = "tests.participants.test_group_messages.FlakyBackend"


class FlakyBackend(EmailBackend):
    """The test outbox behind a mail server that drops the next `failures` connections."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = FLAKY_BACKEND

    def fail_next(times: int) -> None:
        FlakyBackend.failures = times

    yield fail_next
    FlakyBackend.failures = 0


@pytest.fixture
def programme(db):
    return ProgrammeFactory(
        short_name_en="KSP Reading", host_short_name="Perpusnas", content_language="id"
    )


@pytest.fixture
def organiser(programme):
    return MembershipFactory(programme=programme, user__email="organiser@example.org").user


def compose_url(programme) -> str:
    return reverse("participants:message_compose", args=[programme.slug])


TEXTS = {
    "subject_en": "Dinner on Tuesday",
    "body_en": "The dinner starts at seven in the hotel lobby.",
    "subject_local": "Makan malam hari Selasa",
    "body_local": "Makan malam dimulai pukul tujuh di lobi hotel.",
}


def preview(client, programme, **fields):
    data = {"audience": "participants", "filters": "", "preview": "", **TEXTS, **fields}
    return client.post(compose_url(programme), data)


def send(client, programme, recipients, callbacks, **fields):
    data = {"audience": "participants", "filters": "", "send": "", **TEXTS, **fields}
    data["recipients"] = ",".join(str(key) for key in recipients)
    with callbacks(execute=True):
        return client.post(compose_url(programme), data)


# --- Preview -----------------------------------------------------------------------------------


def test_preview_shows_recipients_and_the_message_and_changes_nothing(programme, organiser):
    ParticipantFactory(programme=programme, full_name="Ana Lim", email="ana@example.org")
    ParticipantFactory(programme=programme, full_name="Budi Santoso", email="budi@example.org")
    ParticipantFactory(programme=programme, full_name="No Mail", email="")

    response = preview(client_for(organiser), programme)

    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["chosen"].left_out == 1
    assert [r.email for r in response.context["chosen"].recipients] == [
        "ana@example.org",
        "budi@example.org",
    ]
    email = response.context["email"]
    assert email.subject == "Dinner on Tuesday / Makan malam hari Selasa"
    assert email.body.startswith("Dear Ana Lim,\n\nThe dinner starts at seven in the hotel lobby.")
    assert "Makan malam dimulai pukul tujuh di lobi hotel." in email.body
    assert email.reply_to == ["organiser@example.org"]
    assert "budi@example.org" in page and "Dear Ana Lim," in page
    assert (GroupMessage.objects.count(), MessageRecipient.objects.count()) == (0, 0)
    assert mail.outbox == []


def test_preview_without_host_language_text_is_english_only(programme, organiser):
    ParticipantFactory(programme=programme, full_name="Ana Lim")
    response = preview(client_for(organiser), programme, subject_local="", body_local="")
    email = response.context["email"]
    assert email.subject == "Dinner on Tuesday"
    assert "-----" not in email.body


def test_half_a_host_language_text_is_refused(programme, organiser):
    ParticipantFactory(programme=programme)
    response = preview(client_for(organiser), programme, body_local="")
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "body_local": ["Write the message in this language too, or neither."]
    }


def test_the_list_filters_choose_the_group(programme, organiser):
    confirmed = ParticipantFactory(
        programme=programme, status=Participant.Status.CONFIRMED, full_name="Ana Lim"
    )
    ParticipantFactory(programme=programme, status=Participant.Status.INVITED)
    response = preview(client_for(organiser), programme, filters="status=confirmed")
    assert [r.key for r in response.context["chosen"].recipients] == [confirmed.pk]
    assert response.context["filter_words"] == ["Status: Confirmed"]


def test_invalid_filters_are_refused_with_a_clear_error(programme, organiser):
    ParticipantFactory(programme=programme)
    response = preview(client_for(organiser), programme, filters="status=nonsense")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The filters of the list are not valid any more: filter the list again."
    ]
    assert GroupMessage.objects.count() == 0


def test_a_group_without_addresses_is_refused(programme, organiser):
    ParticipantFactory(programme=programme, email="")
    response = preview(client_for(organiser), programme)
    assert response.context["form"].non_field_errors() == [
        "Nobody in this group has an e-mail address to write to."
    ]


def test_focal_points_are_each_written_to_once(programme, organiser):
    both = UserFactory(email="fp@example.org", first_name="Siti", last_name="Rahma")
    FocalPointFactory(
        delegation__programme=programme, delegation__country=member_country("MY"), user=both
    )
    FocalPointFactory(
        delegation__programme=programme, delegation__country=member_country("LK"), user=both
    )
    other = FocalPointFactory(
        delegation__programme=programme, delegation__country=member_country("NP")
    )
    FocalPointFactory()  # of another programme

    response = preview(client_for(organiser), programme, audience="focal_points")

    recipients = response.context["chosen"].recipients
    assert sorted(r.email for r in recipients) == sorted(["fp@example.org", other.user.email])
    siti = next(r for r in recipients if r.email == "fp@example.org")
    assert (siti.name, siti.detail) == ("Siti Rahma", "Malaysia, Sri Lanka")


# --- Sending -----------------------------------------------------------------------------------


def test_send_records_one_row_per_recipient_and_the_workers_send_them(
    programme, organiser, django_capture_on_commit_callbacks
):
    ana = ParticipantFactory(programme=programme, full_name="Ana Lim", email="ana@example.org")
    budi = ParticipantFactory(programme=programme, full_name="Budi", email="budi@example.org")
    # Registered after the preview: not written to unseen.
    ParticipantFactory(programme=programme, email="late@example.org")

    response = send(
        client_for(organiser), programme, [ana.pk, budi.pk], django_capture_on_commit_callbacks
    )

    message = GroupMessage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "participants:message_detail", args=[programme.slug, message.pk]
    )
    assert (message.sent_by, message.sent_by_email, message.language) == (
        organiser,
        "organiser@example.org",
        "id",
    )
    rows = list(message.recipients.order_by("email").values_list("email", "status", "attempts"))
    assert rows == [("ana@example.org", "sent", 1), ("budi@example.org", "sent", 1)]
    assert all(row.sent_at and row.enqueued_at is None for row in message.recipients.all())
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "budi@example.org"]
    budi_mail = next(m for m in mail.outbox if m.to == ["budi@example.org"])
    assert budi_mail.body.startswith("Dear Budi,")
    assert budi_mail.subject == "Dinner on Tuesday / Makan malam hari Selasa"


def test_a_failing_mail_server_is_retried_until_it_answers(
    programme, flaky_mail, django_capture_on_commit_callbacks
):
    row = MessageRecipientFactory(message__programme=programme, email="ana@example.org")
    flaky_mail(2)
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_recipients([row.pk])
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, "")
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]


def test_a_mail_server_failing_every_retry_marks_the_row_failed_with_its_error(
    programme, flaky_mail
):
    row = MessageRecipientFactory(message__programme=programme)
    flaky_mail(100)
    enqueue_recipients([row.pk])
    row.refresh_from_db()
    assert send_group_message_task.max_retries == 5
    assert (row.status, row.attempts, row.sent_at) == ("failed", 6, None)
    assert row.last_error == "Connection unexpectedly closed"
    assert mail.outbox == []


def test_retries_wait_longer_each_time_and_the_rate_is_configured(settings):
    assert [retry_delay(n) for n in range(5)] == [60, 120, 240, 480, 960]
    assert retry_delay(10) == 3600
    assert send_group_message_task.rate_limit == settings.GROUP_MESSAGE_RATE_LIMIT == "30/m"


def test_a_row_is_sent_once_however_many_tasks_name_it(programme):
    row = MessageRecipientFactory(message__programme=programme)
    assert deliver_to_recipient(recipient_id=row.pk, final_attempt=False) == "sent"
    assert deliver_to_recipient(recipient_id=row.pk, final_attempt=False) == "skipped"
    assert len(mail.outbox) == 1


# --- The log and retrying failed rows ---------------------------------------------------------


def test_the_log_shows_failed_rows_and_they_can_be_sent_again(
    programme, organiser, flaky_mail, django_capture_on_commit_callbacks
):
    message = GroupMessageFactory(programme=programme, sent_by=organiser)
    failed = MessageRecipientFactory(
        message=message,
        email="ana@example.org",
        status="failed",
        attempts=6,
        last_error="Connection unexpectedly closed",
    )
    sent = MessageRecipientFactory(
        message=message, email="budi@example.org", status="sent", sent_at=timezone.now()
    )
    client = client_for(organiser)
    url = reverse("participants:message_detail", args=[programme.slug, message.pk])

    response = client.get(url)
    assert response.context["counts"] == {"queued": 0, "sent": 1, "failed": 1}
    assert [row.email for row in response.context["rows"]] == [failed.email, sent.email]
    assert "Connection unexpectedly closed" in response.content.decode()
    assert [r.email for r in client.get(url, {"status": "failed"}).context["rows"]] == [
        "ana@example.org"
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("participants:message_retry", args=[programme.slug, message.pk])
        )
    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_error) == ("sent", 7, "")
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]


def test_one_failed_row_can_be_sent_again_alone(
    programme, organiser, django_capture_on_commit_callbacks
):
    message = GroupMessageFactory(programme=programme)
    one, other = MessageRecipientFactory.create_batch(2, message=message, status="failed")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(organiser).post(
            reverse("participants:message_retry", args=[programme.slug, message.pk]),
            {"recipient": one.pk},
        )
    one.refresh_from_db()
    other.refresh_from_db()
    assert (one.status, other.status) == ("sent", "failed")


def test_another_programmes_message_is_not_found(programme, organiser):
    elsewhere = GroupMessageFactory()
    client = client_for(organiser)
    url = reverse("participants:message_detail", args=[programme.slug, elsewhere.pk])
    assert client.get(url).status_code == 404
    retry = reverse("participants:message_retry", args=[programme.slug, elsewhere.pk])
    assert client.post(retry).status_code == 404


def test_the_message_list_counts_each_messages_rows(programme, organiser):
    message = GroupMessageFactory(programme=programme, subject_en="Bus times")
    MessageRecipientFactory(message=message, status="sent")
    MessageRecipientFactory(message=message, status="failed")
    MessageRecipientFactory(message=message)
    response = client_for(organiser).get(reverse("participants:messages", args=[programme.slug]))
    [listed] = response.context["group_messages"]
    assert (
        listed.recipient_count,
        listed.sent_count,
        listed.failed_count,
        listed.queued_count,
    ) == (3, 1, 1, 1)
    assert "1 of 3 sent" in response.content.decode()


@pytest.mark.parametrize("recipients", [10, 500])
def test_the_log_page_runs_the_same_queries_at_10_and_500_recipients(
    programme, organiser, recipients, django_assert_num_queries
):
    message = GroupMessageFactory(programme=programme, sent_by=organiser)
    MessageRecipient.objects.bulk_create(
        MessageRecipient(message=message, name=f"R {n}", email=f"r{n}@example.org")
        for n in range(recipients)
    )
    client = client_for(organiser)
    url = reverse("participants:message_detail", args=[programme.slug, message.pk])
    # Session and user; programme and role; the navigation's memberships and participations;
    # the message; its rows counted by status; the page's count and its rows.
    with django_assert_num_queries(10):
        response = client.get(url)
    assert len(response.context["rows"]) == min(recipients, 100)


# --- Broker down, and the sweep ----------------------------------------------------------------


def test_broker_down_keeps_the_rows_queued_and_the_sweep_sends_them_later(
    programme, organiser, django_capture_on_commit_callbacks
):
    ana = ParticipantFactory(programme=programme, email="ana@example.org")
    with broker(UNREACHABLE_BROKER):
        response = send(
            client_for(organiser), programme, [ana.pk], django_capture_on_commit_callbacks
        )
        assert response.status_code == 302
        row = MessageRecipient.objects.get()
        assert (row.status, row.enqueued_at, row.attempts) == ("queued", None, 0)
        assert sweep_queued_recipients() == 0
    assert mail.outbox == []

    # The broker is back (tasks run in-process here): the sweep sends the row.
    assert sweep_queued_recipients() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 1)
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]


def test_sweep_leaves_rows_recently_handed_over_and_hands_over_stale_ones(programme, settings):
    now = timezone.now()
    waiting = MessageRecipientFactory(
        message__programme=programme, enqueued_at=now - timedelta(minutes=5)
    )
    lost = MessageRecipientFactory(
        message=waiting.message,
        enqueued_at=now - timedelta(seconds=settings.GROUP_MESSAGE_RESEND_AFTER + 60),
    )
    done = MessageRecipientFactory(message=waiting.message, status="sent")
    assert sweep_queued_recipients(now=now) == 1
    for row in (waiting, lost, done):
        row.refresh_from_db()
    assert (waiting.status, lost.status, done.attempts) == ("queued", "sent", 0)
