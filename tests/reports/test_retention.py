"""The retention purge of a whole programme and the erasure of one participant on request."""

import logging
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from participants.models import (
    ImportBatch,
    MessageRecipient,
    Nomination,
    NominationCall,
    Participant,
    PersonalDataRemoval,
)
from reports.certificates import issue_certificate
from reports.closing import held_items, participant_figures
from reports.models import Certificate, GenerationJob, JobOutput
from reports.retention import (
    AlreadyErased,
    erase_participant,
    programmes_due_for_purge,
    purge_due_programmes,
    purge_programme,
)
from reports.tasks import purge_personal_data_task

from ..conftest import client_for
from ..factories import (
    AssignmentFactory,
    GenerationJobFactory,
    ImportBatchFactory,
    MembershipFactory,
    MessageRecipientFactory,
    NominationAnswerFactory,
    NominationCallFactory,
    NominationFactory,
    ParticipantFactory,
    PersonalDataRemovalFactory,
    ProgrammeFactory,
    SessionFactory,
    UserFactory,
    member_country,
)
from ..participants.test_retention import PERSONAL

Kind = GenerationJob.Kind


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def stored(name: str, content: bytes = b"%PDF-1.7") -> str:
    return default_storage.save(name, ContentFile(content))


def visa_job(programme, **fields) -> GenerationJob:
    """A finished visa-letter job with its PDF, its ZIP and one item file."""
    job = GenerationJobFactory(programme=programme, kind=Kind.VISA_LETTERS, status="done", **fields)
    item = stored(f"jobs/{programme.pk}/visa_letters/{job.pk}/1-letter.pdf")
    JobOutput.objects.create(job=job, item_id=1, file_name="letter.pdf", storage_name=item)
    job.combined = stored(f"jobs/{programme.pk}/visa_letters/visa_letters-en.pdf")
    job.archive = stored(f"jobs/{programme.pk}/visa_letters/visa_letters-en.zip", b"PK")
    job.save()
    return job


def exists(name: str) -> bool:
    return default_storage.exists(name)


# --- When -----------------------------------------------------------------------------------


def test_default_retention_day_is_90_days_after_the_last_day(db):
    programme = ProgrammeFactory(start_date=date(2024, 1, 8), end_date=date(2024, 1, 12))
    assert programme.personal_data_until == date(2024, 4, 11)
    programme.personal_data_kept_until = date(2024, 2, 1)
    assert programme.personal_data_until == date(2024, 2, 1)


def test_programmes_are_due_the_day_after_their_retention_day(db):
    default = ProgrammeFactory(start_date=date(2024, 1, 8), end_date=date(2024, 1, 12))
    chosen = ProgrammeFactory(
        start_date=date(2024, 1, 8),
        end_date=date(2024, 1, 12),
        personal_data_kept_until=date(2024, 2, 1),
    )
    ProgrammeFactory(start_date=date(2024, 3, 1), end_date=date(2024, 3, 5))

    assert list(programmes_due_for_purge(today=date(2024, 2, 1))) == []
    assert list(programmes_due_for_purge(today=date(2024, 2, 2))) == [chosen]
    assert set(programmes_due_for_purge(today=date(2024, 4, 12))) == {default, chosen}


# --- The purge ------------------------------------------------------------------------------


def test_purge_removes_personal_data_imports_and_visa_letters_and_records_it(
    programme, django_capture_on_commit_callbacks, caplog
):
    person = ParticipantFactory(programme=programme, **PERSONAL)
    ParticipantFactory(programme=programme)
    ImportBatchFactory(programme=programme, rows=[{"values": {"passport_number": "C1"}}])
    job = visa_job(programme)
    stray = stored(f"jobs/{programme.pk}/visa_letters/an-earlier-job/2-letter.pdf")
    files = [job.combined.name, job.archive.name, job.outputs.get().storage_name, stray]
    badges = GenerationJobFactory(programme=programme, kind=Kind.BADGES, status="done")

    with django_capture_on_commit_callbacks(execute=True), caplog.at_level(logging.INFO):
        record = purge_programme(programme=programme)

    person.refresh_from_db()
    assert (person.passport_number, person.dietary_needs, person.arrival_at) == ("", "", None)
    assert person.full_name and person.country.code == "VN"
    assert not ImportBatch.objects.filter(programme=programme).exists()
    assert list(programme.jobs.all()) == [badges]
    assert [exists(name) for name in files] == [False] * 4
    assert (record.kind, record.participants, record.import_batches, record.visa_letters) == (
        PersonalDataRemoval.Kind.RETENTION,
        1,
        1,
        1,
    )
    assert record.removed_by is None
    assert record.fields == list(PERSONAL)
    assert f"Personal data of programme {programme.slug} purged: 1 participants" in caplog.text


def test_purge_deletes_nominations_their_documents_and_the_message_log(
    programme, django_capture_on_commit_callbacks
):
    call = NominationCallFactory(programme=programme)
    selected = ParticipantFactory(programme=programme)
    nomination = NominationFactory(call=call, participant=selected, status="selected")
    nomination.cv.save("cv.pdf", ContentFile(b"%PDF-1.7 cv"))
    NominationAnswerFactory(nomination=NominationFactory(call=call, status="reserve"))
    MessageRecipientFactory(message__programme=programme, participant=selected)
    other_programme_row = MessageRecipientFactory()
    cv = nomination.cv.name

    with django_capture_on_commit_callbacks(execute=True):
        record = purge_programme(programme=programme)

    assert not Nomination.objects.filter(call=call).exists()
    assert not exists(cv)
    assert list(MessageRecipient.objects.all()) == [other_programme_row]
    # The call names no one: it stays, and so does the participant the selection made.
    assert NominationCall.objects.filter(pk=call.pk).exists()
    assert Participant.objects.filter(pk=selected.pk).exists()
    assert record.note == "2 nominations and 1 message recipients deleted."


def test_erasure_deletes_the_persons_nomination_and_message_log(
    programme, django_capture_on_commit_callbacks
):
    person = ParticipantFactory(programme=programme)
    nomination = NominationFactory(call__programme=programme, participant=person)
    nomination.nomination_letter.save("letter.pdf", ContentFile(b"%PDF-1.7 letter"))
    other = NominationFactory(call=nomination.call)
    MessageRecipientFactory(participant=person, message__programme=programme)

    with django_capture_on_commit_callbacks(execute=True):
        erase_participant(participant=person, by=None, keep_certificate=False)

    assert list(Nomination.objects.all()) == [other]
    assert not exists(nomination.nomination_letter.name)
    assert not MessageRecipient.objects.exists()


def test_purge_keeps_certificates_verification_and_closing_figures(programme, client):
    person = ParticipantFactory(
        programme=programme, status=Participant.Status.COMPLETED, **PERSONAL
    )
    certificate = issue_certificate(participant=person)
    before = participant_figures(programme)

    purge_programme(programme=programme)

    after = participant_figures(programme)
    assert (after.total, after.countries, after.genders) == (
        before.total,
        before.countries,
        before.genders,
    )
    page = client.get(reverse("reports:verify", args=[certificate.code])).content.decode()
    assert "Valid certificate" in page
    assert person.full_name in page


def test_purge_again_records_nothing(programme):
    ParticipantFactory(programme=programme, **PERSONAL)
    assert purge_programme(programme=programme) is not None
    assert purge_programme(programme=programme) is None
    assert PersonalDataRemoval.objects.count() == 1


def test_purge_task_purges_due_programmes_only(db):
    over = ProgrammeFactory(start_date=date(2020, 1, 6), end_date=date(2020, 1, 10))
    running = ProgrammeFactory(
        start_date=timezone.localdate(), end_date=timezone.localdate() + timedelta(days=3)
    )
    old = ParticipantFactory(programme=over, **PERSONAL)
    current = ParticipantFactory(programme=running, **PERSONAL)

    assert purge_personal_data_task.delay().get() == 1
    assert purge_due_programmes(now=timezone.now()) == 0

    old.refresh_from_db()
    current.refresh_from_db()
    assert (old.passport_number, current.passport_number) == ("", "C1234567")
    assert list(PersonalDataRemoval.objects.values_list("programme", flat=True)) == [over.pk]


# --- The personal data page -------------------------------------------------------------------


def test_personal_data_page_shows_the_date_what_goes_and_the_log(cast, programme):
    programme.personal_data_kept_until = date(2024, 2, 1)
    programme.save()
    PersonalDataRemovalFactory(programme=programme, import_batches=2, visa_letters=1)
    PersonalDataRemovalFactory(programme=ProgrammeFactory(), participants=99)

    response = client_for(cast["organiser"]).get(
        reverse("reports:personal_data", args=[programme.slug])
    )

    page = response.content.decode()
    assert "Personal data was kept until 1 February 2024" in page
    for label in ["Passport number", "Arrival flight or transport", "Emergency contact phone"]:
        assert f"<li>{label}</li>" in page
    assert "Visa support letters" in page
    removals = list(response.context["removals"])
    assert [(r.participants, r.import_batches, r.visa_letters) for r in removals] == [(3, 2, 1)]
    assert "passport number, dietary needs" in page
    assert "2 imports" in page and "1 visa-letter file" in page


def test_personal_data_page_before_the_day_says_when(cast, db):
    soon = ProgrammeFactory(
        start_date=timezone.localdate(), end_date=timezone.localdate() + timedelta(days=1)
    )
    MembershipFactory(programme=soon, user=cast["organiser"])
    page = (
        client_for(cast["organiser"])
        .get(reverse("reports:personal_data", args=[soon.slug]))
        .content.decode()
    )
    day = soon.end_date + timedelta(days=90)
    assert f"Personal data is kept until {day.day} {day:%B %Y}" in page
    assert "90 days after the last day" in page
    assert "Nothing has been removed yet." in page


# --- Erasure on request ---------------------------------------------------------------------


@pytest.fixture
def delegate(programme):
    """A completed delegate with an account, attendance, a certificate and files about them."""
    user = UserFactory(email="somphone@example.org")
    person = ParticipantFactory(
        programme=programme,
        user=user,
        status=Participant.Status.COMPLETED,
        full_name="ສົມພອນ ພົມມະວົງ",
        full_name_latin="Somphone Phommavong",
        email=user.email,
        country=member_country("LA"),
        gender=Participant.Gender.MALE,
        **PERSONAL,
    )
    for attended in (True, True, False):
        AssignmentFactory(
            session=SessionFactory(programme=programme), participant=person, attended=attended
        )
    person.photo.save("photo.jpg", ContentFile(b"\xff\xd8photo"))
    certificate = issue_certificate(participant=person)
    certificate.file.save("certificate.pdf", ContentFile(b"%PDF-1.7 certificate"))
    return person


def closing_counts(programme) -> dict:
    figures = participant_figures(programme)
    return {
        "total": figures.total,
        "categories": [(row.label, row.count) for row in figures.categories],
        "countries": [(row.label, row.count) for row in figures.countries],
        "genders": [(row.label, row.count) for row in figures.genders],
        "regions": [(row.label, row.count) for row in figures.regions],
        "attendance": [
            (item.booked, item.recorded, item.present) for item in held_items(programme)
        ],
    }


def test_erasure_keeps_the_closing_report_counts(programme, delegate):
    ParticipantFactory(programme=programme, country=member_country("NP"))
    ParticipantFactory(
        programme=programme,
        category=Participant.Category.DOMESTIC,
        region="Kota Surabaya",
        gender=Participant.Gender.MALE,
    )
    before = closing_counts(programme)

    erase_participant(participant=delegate, by=None, keep_certificate=True)

    assert closing_counts(programme) == before
    assert before["countries"] == [("Laos", 1), ("Nepal", 1)]
    assert before["attendance"] == [(1, 1, 1), (1, 1, 1), (1, 1, 0)]


def test_erasure_removes_personal_data_account_files_and_records_it(
    programme, delegate, django_capture_on_commit_callbacks, caplog
):
    organiser = MembershipFactory(programme=programme).user
    photo = delegate.photo.name
    certificate_file = delegate.certificate.file.name
    own_letter = visa_job(programme, participant=delegate)
    own_files = [own_letter.combined.name, own_letter.archive.name]
    other = ParticipantFactory(programme=programme)
    others_badge = GenerationJobFactory(
        programme=programme, kind=Kind.BADGES, participant=other, status="done"
    )
    whole = GenerationJobFactory(programme=programme, kind=Kind.CLOSING_REPORT, status="done")

    with django_capture_on_commit_callbacks(execute=True), caplog.at_level(logging.INFO):
        record = erase_participant(participant=delegate, by=organiser, keep_certificate=True)

    delegate.refresh_from_db()
    assert delegate.is_erased
    assert delegate.display_name == f"Erased participant {delegate.pk}"
    assert (delegate.full_name_latin, delegate.email, delegate.passport_number) == ("", "", "")
    assert not delegate.photo
    assert not get_user_model().objects.filter(email="somphone@example.org").exists()
    assert [exists(name) for name in [photo, certificate_file, *own_files]] == [False] * 4
    assert list(programme.jobs.all()) == [others_badge]
    assert not GenerationJob.objects.filter(pk=whole.pk).exists()
    certificate = Certificate.objects.get(participant=delegate)
    assert certificate.is_valid and not certificate.file
    assert (record.kind, record.removed_by, record.participant, record.participants) == (
        PersonalDataRemoval.Kind.ERASURE,
        organiser,
        delegate,
        1,
    )
    assert {"full_name", "full_name_latin", "email", "passport_number", "photo", "user"} <= set(
        record.fields
    )
    assert record.note == f"Certificate {certificate.code} kept valid."
    assert f"Participant {delegate.pk} of programme {programme.pk} erased on request" in caplog.text
    assert "ສົມພອນ" not in caplog.text


def test_erasure_twice_is_refused(programme, delegate):
    erase_participant(participant=delegate, by=None, keep_certificate=True)
    with pytest.raises(AlreadyErased):
        erase_participant(participant=delegate, by=None, keep_certificate=False)
    assert PersonalDataRemoval.objects.count() == 1


def test_kept_certificate_verifies_without_a_name(client, programme, delegate):
    code = delegate.certificate.code
    erase_participant(participant=delegate, by=None, keep_certificate=True)

    page = client.get(reverse("reports:verify", args=[code])).content.decode()

    assert "Valid certificate" in page
    assert "Removed at the holder" in page
    assert "Somphone" not in page and "Erased participant" not in page
    assert programme.title_en in page


def test_revoked_certificate_verifies_as_revoked(client, programme, delegate):
    code = delegate.certificate.code
    record = erase_participant(participant=delegate, by=None, keep_certificate=False)

    page = client.get(reverse("reports:verify", args=[code])).content.decode()

    assert "Revoked certificate" in page
    assert "Withdrawn at the holder" in page
    assert record.note == f"Certificate {code} revoked."


def test_erased_participant_earns_no_new_certificate(programme, delegate):
    from reports.certificates import eligible_ids, template_for

    erase_participant(participant=delegate, by=None, keep_certificate=True)
    assert delegate.pk not in eligible_ids(programme, template_for(programme))


# --- The erasure pages ------------------------------------------------------------------------


def erase_url(programme, participant) -> str:
    return reverse("reports:participant_erase", args=[programme.slug, participant.pk])


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_erase_page_asks_about_the_certificate_then_erases(cast, programme, delegate, role):
    client = client_for(cast[role])
    page = client.get(erase_url(programme, delegate)).content.decode()
    assert "Erase the personal data of Somphone Phommavong" in page
    assert delegate.certificate.code in page
    assert "Their account: they can no longer sign in." in page

    missing = client.post(erase_url(programme, delegate))
    delegate.refresh_from_db()
    assert missing.status_code == 200 and not delegate.is_erased
    assert missing.context["form"].errors == {"certificate": ["This field is required."]}

    response = client.post(erase_url(programme, delegate), {"certificate": "revoke"})

    delegate.refresh_from_db()
    assert response["Location"] == reverse(
        "participants:detail", args=[programme.slug, delegate.pk]
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The participant's personal data is erased. The record is kept."
    ]
    assert delegate.is_erased
    assert not Certificate.objects.get(participant=delegate).is_valid
    assert PersonalDataRemoval.objects.get().removed_by == cast[role]


def test_erase_without_certificate_needs_no_choice(cast, programme):
    person = ParticipantFactory(programme=programme, **PERSONAL)
    client_for(cast["organiser"]).post(erase_url(programme, person))
    person.refresh_from_db()
    assert person.is_erased and person.passport_number == ""


def test_erase_page_of_an_erased_participant_says_so(cast, programme, delegate):
    erase_participant(participant=delegate, by=None, keep_certificate=True)
    client = client_for(cast["organiser"])

    page = client.get(erase_url(programme, delegate)).content.decode()
    client.post(erase_url(programme, delegate), {"certificate": "revoke"})

    assert "personal data was erased on" in page
    assert Certificate.objects.get(participant=delegate).is_valid
    detail = client.get(reverse("participants:detail", args=[programme.slug, delegate.pk]))
    assert "was erased on request" in detail.content.decode()
    assert erase_url(programme, delegate) not in detail.content.decode()
    edit_url = reverse("participants:edit", args=[programme.slug, delegate.pk])
    assert edit_url not in detail.content.decode()
    edit = client.post(edit_url, {"full_name": "Somphone Phommavong"})
    assert edit["Location"] == reverse("participants:detail", args=[programme.slug, delegate.pk])
    delegate.refresh_from_db()
    assert delegate.full_name == f"Erased participant {delegate.pk}"


def test_participant_page_links_managers_to_erasure(cast, programme, delegate):
    url = reverse("participants:detail", args=[programme.slug, delegate.pk])
    for role, shown in [("staff", False), ("organiser", True)]:
        page = client_for(cast[role]).get(url).content.decode()
        assert (erase_url(programme, delegate) in page) == shown


@pytest.mark.parametrize("size", [2, 50])
def test_personal_data_page_query_count(cast, programme, size, django_assert_num_queries):
    organiser = cast["organiser"]
    people = ParticipantFactory.create_batch(size, programme=programme)
    PersonalDataRemoval.objects.bulk_create(
        PersonalDataRemovalFactory.build(
            programme=programme,
            kind=PersonalDataRemoval.Kind.ERASURE,
            participant=person,
            removed_by=organiser,
        )
        for person in people
    )
    client = client_for(organiser)
    # session, user, programme, own membership (role), the removals with who removed them and
    # whom, the user's memberships and participations (navigation).
    with django_assert_num_queries(7):
        response = client.get(reverse("reports:personal_data", args=[programme.slug]))
    assert len(response.context["removals"]) == size


@pytest.mark.parametrize(
    ("time_zone", "purged"),
    [
        # 3 February, 00:30 in Auckland: its 2 February is over, not yet Jakarta's.
        ("Pacific/Auckland", True),
        # The same moment is 2 February, 06:30 in Lima and 18:30 in Jakarta.
        ("America/Lima", False),
        ("Asia/Jakarta", False),
    ],
)
def test_purge_waits_for_the_end_of_the_day_where_the_programme_takes_place(db, time_zone, purged):
    programme = ProgrammeFactory(
        start_date=date(2024, 1, 8),
        end_date=date(2024, 1, 12),
        time_zone=time_zone,
        personal_data_kept_until=date(2024, 2, 2),
    )
    delegate = ParticipantFactory(programme=programme, **PERSONAL)
    now = datetime(2024, 2, 2, 11, 30, tzinfo=UTC)

    assert purge_due_programmes(now=now) == int(purged)
    delegate.refresh_from_db()
    assert (delegate.passport_number == "") is purged
