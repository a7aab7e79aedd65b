"""E-mails about the agenda: the evening reminder (once per delegate and day) and changes."""

import threading
import zoneinfo
from datetime import datetime, timedelta
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.utils import timezone

from participants.models import DailyReminder, Participant
from programs.mail import BODY_SEPARATOR
from tpbis.celery import app as celery_app
from visits.models import Session
from visits.notifications import (
    notify_item_changed,
    send_daily_reminders,
    send_reminders_for_day,
)
from visits.services import notify_participants_of_change
from visits.tasks import send_daily_reminders_task

from ..factories import (
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    SiteFactory,
    UserFactory,
    VehicleFactory,
    VisitGroupFactory,
)
from .test_delegate_agenda import book

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


class FailingBackend(BaseEmailBackend):
    """An SMTP server that refuses every message, or those to addresses containing "fail"."""

    only_for = ""

    def send_messages(self, messages):
        for message in messages:
            if self.only_for in message.to[0]:
                raise SMTPException("Relaying denied")
        return len(messages)


class FailForSomeBackend(FailingBackend):
    only_for = "fail"

    def send_messages(self, messages):
        super().send_messages(messages)
        mail.outbox.extend(messages)
        return len(messages)


def delegate(programme, status=Participant.Status.CONFIRMED, *, account=True, email=None):
    user = UserFactory(email=email) if account and email else UserFactory() if account else None
    return ParticipantFactory(programme=programme, user=user, status=status)


@pytest.fixture
def week(programme):
    """Five delegates and the items of the programme's second day (14 November)."""
    day = programme.start_date + timedelta(days=1)
    at = programme.local_datetime
    site = SiteFactory(name="Perpustakaan Kota Bogor", address="Jl. Kapten Muslihat", city="Bogor")
    visit = SessionFactory(
        programme=programme,
        kind=Session.Kind.SITE_VISIT,
        title_en="Site visit: Bogor city library",
        title_local="Kunjungan: Perpustakaan Kota Bogor",
        site=site,
        departure_point="Main lobby",
        departs_at=at(day, 8, 30),
        starts_at=at(day, 10),
        ends_at=at(day, 12),
        returns_at=at(day, 14),
    )
    lecture = SessionFactory(
        programme=programme,
        title_en="Measuring impact",
        starts_at=at(day, 15),
        ends_at=at(day, 16, 30),
        room="Auditorium",
    )
    cancelled = SessionFactory(
        programme=programme,
        title_en="Cancelled panel",
        starts_at=at(day, 17),
        ends_at=at(day, 18),
        cancelled_at=timezone.now(),
    )
    later = SessionFactory(
        programme=programme,
        title_en="Closing ceremony",
        starts_at=at(programme.end_date, 13),
        ends_at=at(programme.end_date, 15),
    )
    group = VisitGroupFactory(session=visit, name="Group A", capacity=10)
    bus = VehicleFactory(session=visit, name="Bus 1", seats=30)
    people = {
        "confirmed": delegate(programme, email="confirmed@example.org"),
        "arrived": delegate(programme, Participant.Status.ARRIVED, email="arrived@example.org"),
        "invited": delegate(programme, Participant.Status.INVITED),
        "withdrawn": delegate(programme, Participant.Status.WITHDRAWN),
        "no_account": delegate(programme, account=False),
        "nothing_tomorrow": delegate(programme),
    }
    for name, person in people.items():
        if name != "nothing_tomorrow":
            book(person, visit, group=group, vehicle=bus)
            book(person, lecture)
            book(person, cancelled)
        book(person, later)
    return {"visit": visit, "lecture": lecture, "people": people}


def evening(programme, day_offset: int, hour: int, minute: int = 0) -> datetime:
    return programme.local_datetime(programme.start_date + timedelta(days=day_offset), hour, minute)


def test_daily_reminder_goes_to_confirmed_and_arrived_delegates_with_items(
    programme, week, settings
):
    settings.EMAIL_BACKEND = LOCMEM
    assert send_daily_reminders(now=evening(programme, 0, 19)) == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        "arrived@example.org",
        "confirmed@example.org",
    ]
    message = mail.outbox[0]
    assert message.subject.startswith(
        f"Your agenda for tomorrow, Tuesday 14 November – {programme.short_name_en}"
    )
    english, indonesian = message.body.split(BODY_SEPARATOR)
    assert "Here is your agenda for tomorrow, Tuesday 14 November 2023" in english
    assert "10:00–12:00  Site visit: Bogor city library" in english
    assert "Perpustakaan Kota Bogor, Jl. Kapten Muslihat, Bogor" in english
    assert "Departure at 08:30 from Main lobby, back at 14:00" in english
    assert "Your group: Group A" in english
    assert "Your vehicle: Bus 1" in english
    assert "15:00–16:30  Measuring impact" in english
    assert "Cancelled panel" not in message.body
    assert "Closing ceremony" not in message.body
    # The Indonesian half names the items in Indonesian when they have a title in it.
    assert "10:00–12:00  Kunjungan: Perpustakaan Kota Bogor" in indonesian
    assert "Selasa" in indonesian
    reminded = set(DailyReminder.objects.values_list("participant__user__email", "day"))
    assert reminded == {
        ("confirmed@example.org", week["visit"].starts_at.date()),
        ("arrived@example.org", week["visit"].starts_at.date()),
    }


def test_daily_reminder_is_sent_once_however_often_it_runs(programme, week, settings):
    settings.EMAIL_BACKEND = LOCMEM
    assert send_daily_reminders(now=evening(programme, 0, 18)) == 2
    assert send_daily_reminders(now=evening(programme, 0, 18, 15)) == 0
    assert send_daily_reminders(now=evening(programme, 0, 23, 45)) == 0
    assert len(mail.outbox) == 2
    assert DailyReminder.objects.count() == 2


@pytest.mark.parametrize(
    ("day_offset", "hour", "sent"),
    [
        (0, 17, 0),  # too early in the evening
        (0, 18, 2),  # from 18:00
        (-1, 20, 0),  # the evening before the first day: nobody has items on it here
        (4, 20, 0),  # the last evening: tomorrow is no programme day
        (-3, 20, 0),  # days before the programme
    ],
)
def test_daily_reminder_only_in_the_evening_before_a_programme_day(
    programme, week, settings, day_offset, hour, sent
):
    settings.EMAIL_BACKEND = LOCMEM
    assert send_daily_reminders(now=evening(programme, day_offset, hour)) == sent
    assert len(mail.outbox) == sent


def test_daily_reminder_uses_the_programme_time_zone(programme, week, settings):
    settings.EMAIL_BACKEND = LOCMEM
    # 11:30 UTC is 18:30 in Jakarta: evening there.
    now = datetime(2023, 11, 13, 11, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))
    assert send_daily_reminders(now=now) == 2
    programme.time_zone = "Europe/London"
    programme.save()
    DailyReminder.objects.all().delete()
    # In London it is still the morning.
    assert send_daily_reminders(now=now) == 0


def test_daily_reminder_skips_archived_programmes(programme, week, settings):
    settings.EMAIL_BACKEND = LOCMEM
    programme.archived_at = timezone.now()
    programme.save()
    assert send_daily_reminders(now=evening(programme, 0, 19)) == 0


def test_daily_reminder_that_fails_is_tried_again(programme, week, settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    assert send_daily_reminders(now=evening(programme, 0, 19)) == 0
    assert DailyReminder.objects.count() == 0
    settings.EMAIL_BACKEND = LOCMEM
    assert send_daily_reminders(now=evening(programme, 0, 19, 15)) == 2


def test_daily_reminder_task_sends_for_programmes_where_it_is_evening(db, settings):
    settings.EMAIL_BACKEND = LOCMEM
    assert {"visits.send_daily_reminders", "visits.notify_item_changed"} <= set(celery_app.tasks)
    assert settings.CELERY_BEAT_SCHEDULE["daily-agenda-reminders"]["task"] == (
        "visits.send_daily_reminders"
    )
    # A time zone where it is evening right now, for a programme that starts tomorrow there.
    now = timezone.now()
    zone = next(
        name
        for name in sorted(zoneinfo.available_timezones())
        if 18 <= timezone.localtime(now, zoneinfo.ZoneInfo(name)).hour <= 22
    )
    tomorrow = timezone.localtime(now, zoneinfo.ZoneInfo(zone)).date() + timedelta(days=1)
    programme = ProgrammeFactory(time_zone=zone, start_date=tomorrow)
    person = delegate(programme, email="tomorrow@example.org")
    book(
        person,
        SessionFactory(
            programme=programme, title_en="Opening", starts_at=programme.local_datetime(tomorrow, 9)
        ),
    )
    send_daily_reminders_task.delay()
    send_daily_reminders_task.delay()
    assert [message.to for message in mail.outbox] == [["tomorrow@example.org"]]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions")
def test_daily_reminder_is_sent_once_when_two_runs_race(settings):
    settings.EMAIL_BACKEND = LOCMEM
    programme = ProgrammeFactory()
    day = programme.start_date
    item = SessionFactory(programme=programme, starts_at=programme.local_datetime(day, 9))
    for n in range(10):
        book(delegate(programme, email=f"racer{n}@example.org"), item)
    barrier = threading.Barrier(2)
    results = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(send_reminders_for_day(programme=programme, day=day))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 10
    assert len(mail.outbox) == 10
    assert len({message.to[0] for message in mail.outbox}) == 10
    assert DailyReminder.objects.count() == 10


# Changes to an item


@pytest.fixture
def booked(db):
    """A future item with three booked participants: two with accounts, one without."""
    programme = ProgrammeFactory(start_date=timezone.localdate() + timedelta(days=10))
    site = SiteFactory(name="Perpustakaan Jakarta", address="Jl. Cikini Raya No. 73")
    item = SessionFactory(
        programme=programme,
        title_en="Site visit: Cikini",
        title_local="Kunjungan: Cikini",
        site=site,
        room="Hall",
    )
    people = [
        delegate(programme, email="first@example.org"),
        delegate(programme, Participant.Status.ARRIVED, email="second@example.org"),
        delegate(programme, account=False),
        delegate(programme, Participant.Status.WITHDRAWN, email="gone@example.org"),
    ]
    for person in people:
        book(person, item)
    return item


def move(item: Session, hours: int) -> None:
    item.starts_at += timedelta(hours=hours)
    item.ends_at += timedelta(hours=hours)
    item.revision += 1
    item.save()


def test_change_notice_goes_to_booked_participants_with_an_account(booked, settings):
    settings.EMAIL_BACKEND = LOCMEM
    move(booked, 2)
    assert notify_item_changed(session_id=booked.pk, revision=booked.revision) == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        "first@example.org",
        "second@example.org",
    ]
    message = mail.outbox[0]
    assert message.subject.startswith("Changed: Site visit: Cikini")
    english, indonesian = message.body.split(BODY_SEPARATOR)
    local = booked.programme.to_local(booked.starts_at)
    assert f"{local:%H:%M}–" in english
    assert "Where: Perpustakaan Jakarta, Hall, Jl. Cikini Raya No. 73" in english
    assert "Kunjungan: Cikini" in indonesian


def test_change_notice_is_sent_once_per_revision(booked, settings):
    settings.EMAIL_BACKEND = LOCMEM
    move(booked, 1)
    assert notify_item_changed(session_id=booked.pk, revision=booked.revision) == 2
    assert notify_item_changed(session_id=booked.pk, revision=booked.revision) == 0
    move(booked, 1)
    assert notify_item_changed(session_id=booked.pk, revision=booked.revision) == 2
    assert len(mail.outbox) == 4


def test_change_notice_for_an_old_revision_is_skipped(booked, settings):
    settings.EMAIL_BACKEND = LOCMEM
    move(booked, 1)
    old = booked.revision
    move(booked, 1)
    assert notify_item_changed(session_id=booked.pk, revision=old) == 0
    assert mail.outbox == []


def test_change_notice_for_a_cancelled_item(booked, settings):
    settings.EMAIL_BACKEND = LOCMEM
    booked.cancelled_at = timezone.now()
    booked.revision += 1
    booked.save()
    assert notify_item_changed(session_id=booked.pk, revision=booked.revision) == 2
    assert mail.outbox[0].subject.startswith("Cancelled: Site visit: Cikini")
    assert "has been cancelled" in mail.outbox[0].body


def test_change_notice_for_a_deleted_or_past_item_is_skipped(booked, settings):
    settings.EMAIL_BACKEND = LOCMEM
    after = booked.ends_at + timedelta(minutes=1)
    assert notify_item_changed(session_id=booked.pk, revision=booked.revision, now=after) == 0
    pk = booked.pk
    booked.delete()
    assert notify_item_changed(session_id=pk, revision=0) == 0
    assert mail.outbox == []


def test_change_notice_that_fails_is_retried_for_those_who_missed_it(booked, settings):
    fails = delegate(booked.programme, email="fail@example.org")
    book(fails, booked)
    settings.EMAIL_BACKEND = f"{__name__}.FailForSomeBackend"
    with pytest.raises(SMTPException):
        notify_item_changed(session_id=booked.pk, revision=booked.revision)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "first@example.org",
        "second@example.org",
    ]
    settings.EMAIL_BACKEND = LOCMEM
    mail.outbox = []
    assert notify_item_changed(session_id=booked.pk, revision=booked.revision) == 1
    assert [message.to for message in mail.outbox] == [["fail@example.org"]]


def test_notify_participants_of_change_waits_for_the_commit(
    booked, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = LOCMEM
    with django_capture_on_commit_callbacks() as callbacks:
        move(booked, 3)
        notify_participants_of_change(session=booked)
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 2
