"""Who saw passport data: every page, export and letter that shows it writes one entry."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from participants.access_log import (
    purge_expired_access_entries,
    record_personal_data_access,
)
from participants.models import Participant, PersonalDataAccess
from participants.tasks import purge_access_log_task
from reports.models import GenerationJob
from tests.conftest import client_for
from tests.factories import (
    ParticipantFactory,
    PersonalDataAccessFactory,
    ProgrammeFactory,
    UserFactory,
)

Kind = PersonalDataAccess.Kind


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _entries() -> list[tuple]:
    """Every entry as (who, what, whose, detail), oldest first."""
    return [
        (entry.accessed_by, entry.kind, entry.participant_ids, entry.detail)
        for entry in PersonalDataAccess.objects.order_by("accessed_at", "pk")
    ]


def _delegate(programme, **fields) -> Participant:
    values = {
        "full_name": "Nguyen Thi Thu Ha",
        "passport_number": "C1234567",
        "passport_expiry": date(2030, 5, 31),
        **fields,
    }
    return ParticipantFactory(programme=programme, **values)


# --- Recording ---------------------------------------------------------------------------------


def test_record_stores_who_what_whose_and_when(programme):
    organiser = UserFactory(email="ana@example.org")
    first, second = ParticipantFactory(programme=programme), ParticipantFactory(programme=programme)
    before = timezone.now()
    entry = record_personal_data_access(
        programme=programme,
        by=organiser,
        kind=Kind.PARTICIPANT_EXPORT,
        participants=[first, second.pk],
        detail="CSV",
    )
    entry.refresh_from_db()
    assert (
        entry.programme,
        entry.accessed_by,
        entry.accessed_by_email,
        entry.kind,
        entry.participant_ids,
        entry.participant_count,
        entry.detail,
    ) == (
        programme,
        organiser,
        "ana@example.org",
        "participant_export",
        [first.pk, second.pk],
        2,
        "CSV",
    )
    assert before <= entry.accessed_at <= timezone.now()


def test_entry_keeps_who_after_the_account_is_deleted(programme):
    organiser = UserFactory(email="gone@example.org")
    entry = record_personal_data_access(
        programme=programme, by=organiser, kind=Kind.PARTICIPANT_DETAIL, participants=[]
    )
    organiser.delete()
    entry.refresh_from_db()
    assert (entry.accessed_by, entry.accessed_by_email) == (None, "gone@example.org")


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_participant_page_of_a_manager_is_recorded(cast, programme, role):
    delegate = _delegate(programme)
    response = client_for(cast[role]).get(
        reverse("participants:detail", args=[programme.slug, delegate.pk])
    )
    assert "C1234567" in response.content.decode()
    assert _entries() == [(cast[role], "participant_detail", [delegate.pk], "")]
    assert PersonalDataAccess.objects.get().programme == programme


def test_participant_page_of_staff_shows_no_passport_and_is_not_recorded(cast, programme):
    delegate = _delegate(programme)
    response = client_for(cast["staff"]).get(
        reverse("participants:detail", args=[programme.slug, delegate.pk])
    )
    assert response.status_code == 200
    assert "C1234567" not in response.content.decode()
    assert _entries() == []


def test_refused_participant_page_is_not_recorded(cast, programme):
    delegate = _delegate(programme)
    for role in ("delegate", "other_organiser"):
        client_for(cast[role]).get(
            reverse("participants:detail", args=[programme.slug, delegate.pk])
        )
    assert _entries() == []


def test_participant_form_is_recorded_but_a_new_one_is_not(cast, programme):
    delegate = _delegate(programme)
    client = client_for(cast["organiser"])
    response = client.get(reverse("participants:edit", args=[programme.slug, delegate.pk]))
    assert "C1234567" in response.content.decode()
    client.get(reverse("participants:create", args=[programme.slug]))
    assert _entries() == [(cast["organiser"], "participant_form", [delegate.pk], "")]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_is_one_entry_with_every_exported_participant(cast, programme, file_format):
    exported = [
        _delegate(programme, full_name=f"Delegate {n}", passport_number=f"P{n}") for n in range(3)
    ]
    ParticipantFactory(
        programme=programme, category=Participant.Category.DOMESTIC, country=None, region="Bali"
    )
    response = client_for(cast["organiser"]).get(
        reverse("participants:export", args=[programme.slug, file_format]),
        {"category": "international"},
    )
    assert response.status_code == 200
    # The cast's two delegates are international too: the filter matches them.
    expected = sorted(
        programme.participants.filter(category="international").values_list("pk", flat=True)
    )
    assert len(expected) == 5 and {p.pk for p in exported} <= set(expected)
    [entry] = PersonalDataAccess.objects.all()
    assert (entry.accessed_by, entry.kind, entry.detail, entry.participant_count) == (
        cast["organiser"],
        "participant_export",
        file_format.upper(),
        5,
    )
    assert sorted(entry.participant_ids) == expected


def test_import_template_is_not_recorded(cast, programme):
    client_for(cast["organiser"]).get(
        reverse("participants:import_template", args=[programme.slug, "csv"])
    )
    assert _entries() == []


def test_visa_letters_page_is_recorded_with_every_delegate_listed(cast, programme):
    delegate = _delegate(programme)
    response = client_for(cast["admin"]).get(reverse("reports:visa_letters", args=[programme.slug]))
    rows = [row.participant.pk for row, _letters in response.context["rows"]]
    assert delegate.pk in rows
    assert _entries() == [(cast["admin"], "visa_letter_list", rows, "")]


def test_visa_letter_request_is_recorded(cast, programme, django_capture_on_commit_callbacks):
    delegate = _delegate(programme)
    client = client_for(cast["organiser"])
    # The programme is over: each request is the confirmed one.
    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            reverse("reports:visa_letters", args=[programme.slug]),
            {"participant": delegate.pk, "language": "en", "confirmed": "1"},
        )
        client.post(
            reverse("reports:visa_letters", args=[programme.slug]),
            {"language": "en", "confirmed": "1"},
        )
    assert _entries() == [
        (cast["organiser"], "visa_letters_requested", [delegate.pk], ""),
        (
            cast["organiser"],
            "visa_letters_requested",
            [],
            "All delegates with complete passport details",
        ),
    ]


def _done_job(programme, kind: str, items: list[int]) -> GenerationJob:
    job = GenerationJob.objects.create(
        programme=programme,
        kind=kind,
        status="done",
        items=items,
        total=len(items),
        done=len(items),
    )
    job.archive.save("letters.zip", ContentFile(b"PK zip"), save=False)
    job.combined.save("letters.pdf", ContentFile(b"%PDF-1.7 letters"))
    return job


@pytest.mark.parametrize("url_name", ["reports:job_combined", "reports:job_archive"])
def test_visa_letters_download_is_recorded_with_the_letters_delegates(cast, programme, url_name):
    first, second = _delegate(programme), _delegate(programme, passport_number="D7654321")
    job = _done_job(programme, GenerationJob.Kind.VISA_LETTERS, [first.pk, second.pk])
    response = client_for(cast["organiser"]).get(reverse(url_name, args=[job.pk]))
    assert response.status_code == 200
    extension = "pdf" if url_name == "reports:job_combined" else "zip"
    assert _entries() == [
        (
            cast["organiser"],
            "visa_letters_downloaded",
            [first.pk, second.pk],
            job.download_name(extension),
        )
    ]


def test_other_downloads_are_not_recorded(cast, programme):
    job = _done_job(programme, GenerationJob.Kind.CERTIFICATES, [])
    client_for(cast["organiser"]).get(reverse("reports:job_combined", args=[job.pk]))
    # Refused downloads are not recorded either.
    letters = _done_job(programme, GenerationJob.Kind.VISA_LETTERS, [_delegate(programme).pk])
    client_for(cast["staff"]).get(reverse("reports:job_combined", args=[letters.pk]))
    assert _entries() == []


def test_admin_change_page_of_a_participant_is_recorded(cast, programme):
    delegate = _delegate(programme)
    response = client_for(cast["admin"]).get(
        reverse("admin:participants_participant_change", args=[delegate.pk])
    )
    assert "C1234567" in response.content.decode()
    assert _entries() == [(cast["admin"], "admin_page", [delegate.pk], "")]
    assert PersonalDataAccess.objects.get().programme == programme


# --- The page ----------------------------------------------------------------------------------


def test_page_lists_the_programmes_entries_newest_first(cast, programme):
    delegate = _delegate(programme, full_name="Siti Rahma")
    reader = UserFactory(first_name="Budi", last_name="Santoso", email="budi@example.org")
    older = PersonalDataAccessFactory(
        programme=programme,
        accessed_by=reader,
        participant_ids=[delegate.pk],
        accessed_at=timezone.now() - timedelta(days=2),
    )
    newer = PersonalDataAccessFactory(
        programme=programme,
        accessed_by=reader,
        kind=Kind.PARTICIPANT_EXPORT,
        detail="XLSX",
        participant_ids=[delegate.pk, 999_999],
    )
    PersonalDataAccessFactory(programme=ProgrammeFactory())  # another programme's
    response = client_for(cast["organiser"]).get(
        reverse("participants:access_log", args=[programme.slug])
    )
    assert list(response.context["entries"]) == [newer, older]
    assert [(entry.people, entry.more_people) for entry in response.context["entries"]] == [
        (["Siti Rahma", "#999999"], 0),
        (["Siti Rahma"], 0),
    ]
    page = response.content.decode()
    assert "Budi Santoso" in page
    assert "budi@example.org" in page
    assert "Participant list exported" in page
    assert "2 participants" in page


def test_page_names_the_first_people_of_a_large_export(cast, programme):
    people = [ParticipantFactory(programme=programme) for _ in range(23)]
    PersonalDataAccessFactory(
        programme=programme, kind=Kind.PARTICIPANT_EXPORT, participant_ids=[p.pk for p in people]
    )
    response = client_for(cast["admin"]).get(
        reverse("participants:access_log", args=[programme.slug])
    )
    [entry] = response.context["entries"]
    assert (len(entry.people), entry.more_people) == (20, 3)
    assert "and 3 more" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("delegate", 404),
        ("delegate_b", 404),
        ("other_organiser", 404),
        ("staff", 403),
        ("organiser", 200),
        ("admin", 200),
    ],
)
def test_page_is_for_the_programmes_organisers_and_admins(cast, programme, role, status):
    PersonalDataAccessFactory(programme=programme)
    response = client_for(cast[role]).get(reverse("participants:access_log", args=[programme.slug]))
    assert response.status_code == status
    # Looking at the log shows no passport data: it is not recorded itself.
    assert PersonalDataAccess.objects.count() == 1


@pytest.mark.parametrize("size", [5, 60])
def test_page_queries_do_not_grow_with_entries(cast, programme, size, django_assert_num_queries):
    people = [ParticipantFactory(programme=programme).pk for _ in range(3)]
    PersonalDataAccess.objects.bulk_create(
        PersonalDataAccessFactory.build(
            programme=programme,
            accessed_by=cast["organiser"],
            participant_ids=people,
            participant_count=3,
        )
        for _ in range(size)
    )
    client = client_for(cast["organiser"])
    # Queries: session and user; the programme and the organiser's membership; the count of
    # entries and one page of them with their authors; the names of the people concerned; the
    # navigation's memberships and participations.
    with django_assert_num_queries(9):
        response = client.get(reverse("participants:access_log", args=[programme.slug]))
    assert len(response.context["entries"]) == min(size, 50)


# --- Kept for a year -----------------------------------------------------------------------------


def test_purge_deletes_entries_older_than_a_year_only(programme):
    now = timezone.now()
    old = PersonalDataAccessFactory(programme=programme, accessed_at=now - timedelta(days=366))
    recent = PersonalDataAccessFactory(programme=programme, accessed_at=now - timedelta(days=364))
    assert purge_expired_access_entries(now=now) == 1
    assert list(PersonalDataAccess.objects.all()) == [recent]
    assert not PersonalDataAccess.objects.filter(pk=old.pk).exists()


def test_beat_task_purges_old_entries(programme):
    PersonalDataAccessFactory(programme=programme, accessed_at=timezone.now() - timedelta(days=400))
    kept = PersonalDataAccessFactory(programme=programme)
    purge_access_log_task.delay()
    assert list(PersonalDataAccess.objects.all()) == [kept]


def test_beat_schedule_runs_the_purge_daily():
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["participants.purge_access_log"] == 24 * 60 * 60
