"""Retention for what the participants app holds: the purged fields, import rows, anonymising.

The whole purge and erasure (with generated files and certificates) are in
tests/reports/test_retention.py.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from participants import imports
from participants.action_plan_models import ActionPlan, ActionPlanComment, Milestone
from participants.allowance_models import AllowancePayment
from participants.alumni_models import AlumniListing
from participants.models import ImportBatch, Invitation, Participant, StatusChange
from participants.retention import (
    PERSONAL_ROWS,
    RETENTION_FIELDS,
    anonymise_participant,
    clear_import_rows,
    delete_import_batches,
    purge_personal_fields,
)
from participants.tasks import clear_import_rows_task

from ..conftest import client_for
from ..factories import (
    ActionPlanCommentFactory,
    ActionPlanFactory,
    AlumniListingFactory,
    ImportBatchFactory,
    InvitationFactory,
    MembershipFactory,
    MilestoneFactory,
    ParticipantFactory,
    ProgrammeFactory,
    RoomAssignmentFactory,
    TravelLegFactory,
    UserFactory,
    VisaFactory,
)
from .test_import import csv_file, good_row, preview_url, staged

NOW = timezone.make_aware(datetime(2024, 3, 1, 12, 0))

PERSONAL = {
    "nationality": "VN",
    "passport_number": "C1234567",
    "passport_expiry": date(2030, 1, 31),
    "date_of_birth": date(1984, 7, 9),
    "place_of_birth": "Hai Phong",
    "arrival_at": timezone.make_aware(datetime(2023, 11, 12, 14, 30)),
    "arrival_details": "GA 865",
    "departure_at": timezone.make_aware(datetime(2023, 11, 18, 9, 0)),
    "departure_details": "GA 866",
    "accommodation": "Hotel Indonesia, room 512",
    "dietary_needs": "Halal",
    "accessibility_needs": "Wheelchair",
    "emergency_contact_name": "Nguyen Van B",
    "emergency_contact_phone": "+84 90 000 0000",
    "emergency_contact_relation": "Spouse",
}


def personal_participant(programme, **fields) -> Participant:
    return ParticipantFactory(programme=programme, **{**PERSONAL, **fields})


def values(participant: Participant, names) -> dict:
    participant.refresh_from_db()
    return {name: getattr(participant, name) for name in names}


# --- The retention purge of participants' fields -------------------------------------------


def test_purge_empties_passports_travel_needs_and_emergency_contacts(programme):
    person = personal_participant(
        programme, full_name="Trần Thị A", full_name_latin="Tran Thi A", phone="+84 1"
    )
    bare = ParticipantFactory(programme=programme)

    touched, fields = purge_personal_fields(programme=programme)

    assert touched == 1
    assert fields == list(RETENTION_FIELDS)
    assert values(person, RETENTION_FIELDS) == RETENTION_FIELDS
    # What the records keep.
    assert values(person, ["full_name", "full_name_latin", "institution", "phone"]) == {
        "full_name": "Trần Thị A",
        "full_name_latin": "Tran Thi A",
        "institution": "National Library",
        "phone": "+84 1",
    }
    assert person.country.code == "VN"
    assert values(bare, ["full_name"]) == {"full_name": bare.full_name}


def test_purge_reports_only_the_fields_that_held_data(programme):
    ParticipantFactory(programme=programme, dietary_needs="Vegetarian")
    ParticipantFactory(programme=programme, passport_number="B7654321")

    assert purge_personal_fields(programme=programme) == (2, ["passport_number", "dietary_needs"])


def test_purge_again_changes_nothing(programme):
    person = personal_participant(programme)
    purge_personal_fields(programme=programme)
    person.refresh_from_db()
    updated_at = person.updated_at

    assert purge_personal_fields(programme=programme) == (0, [])
    person.refresh_from_db()
    assert person.updated_at == updated_at


def test_purge_leaves_other_programmes_alone(programme):
    other = personal_participant(ProgrammeFactory())
    purge_personal_fields(programme=programme)
    assert values(other, ["passport_number"]) == {"passport_number": "C1234567"}


def test_delete_import_batches_of_the_programme_only(programme):
    ImportBatchFactory.create_batch(2, programme=programme)
    other = ImportBatchFactory()

    assert delete_import_batches(programme=programme) == 2
    assert list(ImportBatch.objects.all()) == [other]


# --- Import rows -------------------------------------------------------------------------------


def batch_with_rows(**fields) -> ImportBatch:
    rows = [{"row": 2, "action": "new", "values": {"passport_number": "C1"}, "errors": {}}]
    batch = ImportBatchFactory(rows=rows, **fields)
    created_at = fields.get("created_at")
    if created_at:
        # auto_now_add ignores a given value.
        ImportBatch.objects.filter(pk=batch.pk).update(created_at=created_at)
    return batch


def test_clear_import_rows_empties_saved_and_day_old_batches_only(db):
    saved = batch_with_rows(applied_at=NOW - timedelta(minutes=5), created_at=NOW)
    stale = batch_with_rows(created_at=NOW - timedelta(hours=24, minutes=1))
    fresh = batch_with_rows(created_at=NOW - timedelta(hours=23))

    assert clear_import_rows(now=NOW) == 2

    for batch in (saved, stale, fresh):
        batch.refresh_from_db()
    assert (saved.rows, saved.rows_cleared_at) == ([], NOW)
    assert (stale.rows, stale.rows_cleared_at) == ([], NOW)
    assert (len(fresh.rows), fresh.rows_cleared_at) == (1, None)
    # Running it again changes nothing.
    assert clear_import_rows(now=NOW + timedelta(minutes=15)) == 0
    saved.refresh_from_db()
    assert saved.rows_cleared_at == NOW


def test_clear_import_rows_task_clears_day_old_rows(db):
    stale = batch_with_rows(created_at=timezone.now() - timedelta(days=2))

    assert clear_import_rows_task.delay().get() == 1
    stale.refresh_from_db()
    assert stale.rows == []


def test_beat_runs_the_import_rows_task(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"participants.clear_import_rows", "reports.purge_personal_data"} <= tasks


def test_confirmed_import_keeps_no_rows(cast, programme):
    client = client_for(cast["organiser"])
    batch = staged(client, programme, [good_row(1)])

    client.post(preview_url(programme, batch))

    batch.refresh_from_db()
    assert batch.applied_at is not None
    assert (batch.rows, batch.rows_cleared_at) == ([], batch.applied_at)
    assert programme.participants.get(email="delegate1@example.org").passport_number == "C0000001"
    page = client.get(preview_url(programme, batch)).content.decode()
    assert "The uploaded rows are deleted once saved" in page


def test_expired_import_cannot_be_confirmed_and_says_so(cast, programme):
    client = client_for(cast["organiser"])
    batch = staged(client, programme, [good_row(1)])
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(days=2))
    clear_import_rows(now=timezone.now())

    page = client.get(preview_url(programme, batch)).content.decode()
    response = client.post(preview_url(programme, batch))

    assert "not saved within a day and its rows are deleted" in page
    assert "Confirm and save" not in page
    assert response["Location"] == preview_url(programme, batch)
    assert not programme.participants.filter(email="delegate1@example.org").exists()
    with pytest.raises(imports.ImportRefused):
        imports.apply_import(batch=ImportBatch.objects.get(pk=batch.pk), by=None)


def test_import_upload_still_works_after_rows_are_cleared(cast, programme):
    client = client_for(cast["organiser"])
    ImportBatchFactory(programme=programme, rows_cleared_at=timezone.now())
    response = client.post(
        reverse("participants:import", args=[programme.slug]), {"file": csv_file([good_row(2)])}
    )
    assert response.status_code == 302
    assert ImportBatch.objects.filter(programme=programme).count() == 2


# --- Anonymising one participant -------------------------------------------------------------


def test_anonymise_keeps_what_counts_and_removes_the_rest(programme):
    user = UserFactory(email="tran@example.org")
    person = personal_participant(
        programme,
        user=user,
        full_name="Trần Thị A",
        full_name_latin="Tran Thi A",
        certificate_name="Dr Tran Thi A",
        email="tran@example.org",
        phone="+84 1",
        position="Librarian",
        feed_token="secret-feed",
        status=Participant.Status.COMPLETED,
        gender=Participant.Gender.FEMALE,
    )
    InvitationFactory(participant=person)
    withdrawal = StatusChange.objects.create(
        participant=person,
        from_status="confirmed",
        to_status="withdrawn",
        effective_on=date(2023, 11, 15),
        reason="Hospitalised",
    )
    badge = person.badge_code

    fields = anonymise_participant(participant=person, now=NOW)

    person.refresh_from_db()
    assert person.full_name == f"Erased participant {person.pk}"
    assert person.erased_at == NOW
    assert (person.full_name_latin, person.certificate_name, person.email, person.phone) == (
        "",
        "",
        "",
        "",
    )
    assert (person.position, person.institution, person.feed_token) == ("", "", None)
    assert values(person, RETENTION_FIELDS) == RETENTION_FIELDS
    assert person.badge_code != badge
    assert person.user is None
    assert not get_user_model().objects.filter(email="tran@example.org").exists()
    assert not Invitation.objects.filter(participant=person).exists()
    withdrawal.refresh_from_db()
    assert (withdrawal.effective_on, withdrawal.reason) == (date(2023, 11, 15), "")
    # What the counts use stays.
    assert (person.category, person.status, person.gender, person.country.code) == (
        Participant.Category.INTERNATIONAL,
        Participant.Status.COMPLETED,
        Participant.Gender.FEMALE,
        "VN",
    )
    assert {"full_name", "email", "passport_number", "user", "feed_token"} <= set(fields)


def test_anonymise_keeps_an_account_used_for_another_role(programme):
    user = UserFactory(email="both@example.org")
    MembershipFactory(user=user, role="staff")
    person = ParticipantFactory(programme=programme, user=user, email=user.email)

    anonymise_participant(participant=person, now=NOW)

    person.refresh_from_db()
    assert person.user is None
    assert get_user_model().objects.filter(pk=user.pk, is_active=True).exists()


def _personal_rows(participant) -> dict[str, object]:
    """One row of each kind in PERSONAL_ROWS for the participant."""
    return {
        "visa": VisaFactory(participant=participant),
        "legs": TravelLegFactory(participant=participant),
        "allowance_payment": AllowancePayment.objects.create(
            participant=participant,
            currency="IDR",
            amount=Decimal("450000"),
            count=1,
            method=AllowancePayment.Method.CASH,
        ),
        "room": RoomAssignmentFactory(
            participant=participant, room_type__hotel__programme=participant.programme
        ),
    }


def test_purge_and_erasure_delete_every_kind_of_personal_row(programme):
    purged = ParticipantFactory(programme=programme)
    erased = ParticipantFactory(programme=programme)
    other = ParticipantFactory()
    rows = {person.pk: _personal_rows(person) for person in (purged, erased, other)}
    assert set(rows[purged.pk]) == set(PERSONAL_ROWS)

    held = anonymise_participant(participant=erased, now=timezone.now())
    assert set(PERSONAL_ROWS) <= set(held)
    for row in rows[erased.pk].values():
        assert not type(row).objects.filter(pk=row.pk).exists()
    assert type(rows[purged.pk]["visa"]).objects.filter(pk=rows[purged.pk]["visa"].pk).exists()

    _count, fields = purge_personal_fields(programme=programme)
    assert set(PERSONAL_ROWS) <= set(fields)
    for row in rows[purged.pk].values():
        assert not type(row).objects.filter(pk=row.pk).exists()
    # Another programme's rows stay.
    for row in rows[other.pk].values():
        assert type(row).objects.filter(pk=row.pk).exists()


# --- Outcomes: action plans and alumni listings ------------------------------------------------


def test_erasure_deletes_action_plan_and_alumni_listing_but_purge_keeps_them(programme):
    erased = ParticipantFactory(programme=programme, status=Participant.Status.COMPLETED)
    kept = ParticipantFactory(programme=programme, status=Participant.Status.COMPLETED)
    for person in (erased, kept):
        plan = ActionPlanFactory(participant=person)
        MilestoneFactory(plan=plan)
        ActionPlanCommentFactory(plan=plan)
        AlumniListingFactory(participant=person)

    held = anonymise_participant(participant=erased, now=NOW)
    assert {"action_plan", "alumni_listing"} <= set(held)
    assert not ActionPlan.objects.filter(participant=erased).exists()
    assert not AlumniListing.objects.filter(participant=erased).exists()
    assert not Milestone.objects.filter(plan__participant=erased).exists()
    assert not ActionPlanComment.objects.filter(plan__participant=erased).exists()

    # Outcomes kept with consent: the purge leaves plans, milestones, comments and listings.
    purge_personal_fields(programme=programme)
    assert ActionPlan.objects.filter(participant=kept).exists()
    assert Milestone.objects.filter(plan__participant=kept).count() == 1
    assert ActionPlanComment.objects.filter(plan__participant=kept).count() == 1
    assert AlumniListing.objects.filter(participant=kept).exists()
