"""Certificates: eligibility, codes, the PDF, the organisers' pages and the delegate's download."""

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
import zxingcpp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from participants.models import Participant
from reports.certificates import (
    CERTIFICATES_PER_CHUNK,
    CODE_ALPHABET,
    SAMPLE_NAME,
    eligibility_of,
    issue_certificate,
    new_certificate_code,
    normalise_code,
    template_for,
    verification_url,
)
from reports.jobkind import job_folder, save_file
from reports.jobs import finish_job, render_items, run_job, start_job
from reports.models import Certificate, GenerationJob, Signatory
from reports.tasks import render_job_items_task
from tests.conftest import client_for
from tests.factories import (
    AssignmentFactory,
    CertificateFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    SignatoryFactory,
    UserFactory,
)
from tests.uploads import bomb_upload

from .test_documents import pdf_text

CODE_PATTERN = re.compile(
    r"^TPB-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def admin(db):
    return UserFactory(is_superuser=True, is_staff=True)


def attend(participant, *records) -> None:
    """Book the participant on one agenda item per record (True, False or None: not recorded)."""
    for attended in records:
        session = SessionFactory(programme=participant.programme)
        AssignmentFactory(session=session, participant=participant, attended=attended)


def completed(programme, **fields) -> Participant:
    participant = ParticipantFactory(
        programme=programme, status=Participant.Status.COMPLETED, **fields
    )
    attend(participant, True)
    return participant


def run_certificates(programme, user, capture, language="en") -> GenerationJob:
    with capture(execute=True):
        job = start_job(
            programme=programme, kind=GenerationJob.Kind.CERTIFICATES, language=language, by=user
        )
    job.refresh_from_db()
    return job


def png_upload(name="logo.png", size=(800, 300), mode="RGBA") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new(mode, size, (10, 80, 120, 0) if mode == "RGBA" else (10, 80, 120)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# --- Eligibility ---------------------------------------------------------------------------


def _judged(programme) -> dict[int, tuple[bool, str]]:
    template = template_for(programme)
    return {
        row.participant.pk: (row.eligible, row.reason)
        for row in eligibility_of(programme, template)
    }


def test_eligibility_counts_only_recorded_items_and_meets_the_minimum_exactly(programme):
    exactly = ParticipantFactory(programme=programme, status=Participant.Status.COMPLETED)
    attend(exactly, True, True, True, True, False, None, None)  # 4 of 5 recorded: 80 %
    below = ParticipantFactory(programme=programme, status=Participant.Status.COMPLETED)
    attend(below, True, True, True, False)  # 75 %
    assert _judged(programme) == {
        exactly.pk: (True, ""),
        below.pk: (False, "Attended 75% (minimum 80%)"),
    }


def test_eligibility_ignores_cancelled_items(programme):
    participant = ParticipantFactory(programme=programme, status=Participant.Status.COMPLETED)
    attend(participant, True)
    cancelled = SessionFactory(programme=programme, cancelled_at="2023-11-13T00:00:00Z")
    AssignmentFactory(session=cancelled, participant=participant, attended=False)
    assert _judged(programme) == {participant.pk: (True, "")}


def test_rates_and_the_closing_report_count_attendance_as_certificates_do(programme):
    # One rule everywhere: a booking on a cancelled item counts neither for nor against anyone.
    from reports.closing import closing_report_context
    from visits.assignments import item_rates, origin_rates, participant_rates

    participant = ParticipantFactory(programme=programme, status=Participant.Status.COMPLETED)
    attend(participant, True)
    cancelled = SessionFactory(programme=programme, cancelled_at="2023-11-13T00:00:00Z")
    AssignmentFactory(session=cancelled, participant=participant, attended=False)

    [rate] = participant_rates(programme)
    assert (rate.assigned, rate.recorded, rate.present) == (1, 1, 1)
    [country] = origin_rates(programme)["countries"]
    assert (country.assigned, country.recorded, country.present) == (1, 1, 1)
    by_item = {rate.obj.pk: (rate.assigned, rate.present) for rate in item_rates(programme)}
    assert by_item[cancelled.pk] == (0, 0)
    assert closing_report_context(programme, language="en")["attendance_percent"] == 100
    assert _judged(programme) == {participant.pk: (True, "")}


def test_eligibility_needs_recorded_attendance_unless_the_minimum_is_zero(programme):
    participant = ParticipantFactory(programme=programme, status=Participant.Status.COMPLETED)
    attend(participant, None)
    assert _judged(programme) == {participant.pk: (False, "No attendance recorded")}
    template = template_for(programme)
    template.minimum_attendance = 0
    template.save()
    assert _judged(programme) == {participant.pk: (True, "")}


def test_eligibility_follows_the_completed_status_rule(programme):
    confirmed = ParticipantFactory(programme=programme, status=Participant.Status.CONFIRMED)
    attend(confirmed, True)
    withdrawn = ParticipantFactory(programme=programme, status=Participant.Status.WITHDRAWN)
    attend(withdrawn, True)
    assert _judged(programme) == {
        confirmed.pk: (False, "Not marked as completed"),
        withdrawn.pk: (False, "Withdrawn"),
    }
    template = template_for(programme)
    template.require_completed_status = False
    template.save()
    assert _judged(programme) == {confirmed.pk: (True, ""), withdrawn.pk: (False, "Withdrawn")}


# --- Codes ---------------------------------------------------------------------------------


def test_codes_are_grouped_crockford_base32_and_unique():
    codes = {new_certificate_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(CODE_PATTERN.match(code) for code in codes)
    assert set("".join(code[4:] for code in codes).replace("-", "")) <= set(CODE_ALPHABET)


@pytest.mark.parametrize(
    "typed",
    [
        "TPB-7KQ2-M9XD-4RBT",
        "tpb-7kq2-m9xd-4rbt",
        " TPB 7KQ2 M9XD 4RBT ",
        "TPB7KQ2M9XD4RBT",
        "7KQ2-M9XD-4RBT",
        "7kq2m9xd4rbt",
    ],
)
def test_typed_codes_are_normalised(typed):
    assert normalise_code(typed) == "TPB-7KQ2-M9XD-4RBT"


def test_misread_letters_are_read_as_the_digits_they_resemble():
    assert normalise_code("TPB-O1L0-0000-0000") == "TPB-0110-0000-0000"


@pytest.mark.parametrize("typed", ["", "TPB", "TPB-7KQ2-M9XD", "TPB-7KQ2-M9XD-4RBU", "<script>"])
def test_malformed_codes_are_refused(typed):
    assert normalise_code(typed) is None


def test_issuing_twice_keeps_the_code(programme):
    participant = ParticipantFactory(programme=programme)
    first = issue_certificate(participant=participant)
    assert issue_certificate(participant=participant).code == first.code
    assert Certificate.objects.count() == 1


# --- The batch and the PDF -----------------------------------------------------------------


def test_batch_issues_one_certificate_per_eligible_participant(
    programme, admin, django_capture_on_commit_callbacks
):
    lao = completed(programme, full_name="ສົມພອນ ພົມມະວົງ", full_name_latin="Somphone Phommavong")
    vietnamese = completed(programme, full_name="Nguyễn Thị Thu Hà")
    ParticipantFactory(programme=programme, status=Participant.Status.CONFIRMED)  # not eligible

    job = run_certificates(programme, admin, django_capture_on_commit_callbacks)

    assert (job.status, job.total, job.done, job.error) == (GenerationJob.Status.DONE, 2, 2, "")
    assert job.started_by == admin
    certificates = {c.participant_id: c for c in Certificate.objects.all()}
    assert set(certificates) == {lao.pk, vietnamese.pk}
    text = pdf_text(certificates[lao.pk].file.read())
    for expected in [
        "ສົມພອນ ພົມມະວົງ",
        "Somphone Phommavong",
        certificates[lao.pk].code,
        programme.title_en,
        programme.title_local,
        "Certificate of Participation",
        "Sertifikat Keikutsertaan",
        "13–17 November 2023",
    ]:
        assert expected in text
    with zipfile.ZipFile(job.archive.open("rb")) as archive:
        assert sorted(archive.namelist()) == sorted(
            [
                f"{certificates[lao.pk].code}-somphone-phommavong.pdf",
                f"{certificates[vietnamese.pk].code}-nguyen-thi-thu-ha.pdf",
            ]
        )
    combined = PdfReader(job.combined.open("rb"))
    assert len(combined.pages) == 2
    codes = sorted(c.code for c in certificates.values())
    assert (
        sorted(code for page in combined.pages for code in codes if code in page.extract_text())
        == codes
    )


def test_each_file_of_a_chunk_holds_only_its_own_participant(
    programme, admin, django_capture_on_commit_callbacks
):
    # One chunk renders its participants in one document: each file must still be one page
    # with only its own name, code and fonts.
    lao = completed(programme, full_name="ສົມພອນ ພົມມະວົງ", full_name_latin="Somphone Phommavong")
    sinhala = completed(programme, full_name="නිමල් පෙරේරා", full_name_latin="Nimal Perera")
    latin = completed(programme, full_name="Maria Santos")
    run_certificates(programme, admin, django_capture_on_commit_callbacks)

    people = {lao: "Somphone", sinhala: "Nimal", latin: "Maria Santos"}
    for participant, name in people.items():
        certificate = Certificate.objects.get(participant=participant)
        data = certificate.file.read()
        reader = PdfReader(io.BytesIO(data))
        assert len(reader.pages) == 1
        text = pdf_text(data)
        assert name in text and certificate.code in text
        assert "Certificate of Participation" in text and programme.title_en in text
        others = [other for other in people.values() if other != name]
        assert not any(other in text for other in others)
        [image] = reader.pages[0].images
        [qr] = zxingcpp.read_barcodes(image.image)
        assert qr.text == verification_url(certificate.code)
    fonts = _font_names(Certificate.objects.get(participant=latin).file.read())
    assert not any("Lao" in font or "Sinhala" in font for font in fonts)


def test_a_batch_runs_as_many_queries_for_25_participants_as_for_3(
    programme, admin, django_capture_on_commit_callbacks
):
    # 25 certificates are one chunk: listing, rendering and storing them are set operations.
    def queries_for(count: int) -> int:
        batch = ProgrammeFactory()
        for _number in range(count):
            completed(batch)
        with CaptureQueriesContext(connection) as queries:
            job = run_certificates(batch, admin, django_capture_on_commit_callbacks)
        assert (job.status, job.done) == (GenerationJob.Status.DONE, count)
        return len(queries)

    assert queries_for(25) == queries_for(3)


def _page_codes(data: bytes, codes: list[str]) -> list[str]:
    pages = PdfReader(io.BytesIO(data)).pages
    return [next(code for code in codes if code in page.extract_text()) for page in pages]


def _zip_codes(job) -> list[str]:
    with zipfile.ZipFile(job.archive.open("rb")) as archive:
        return [name[:18] for name in archive.namelist()]


def test_combined_pdf_follows_the_zip_and_shares_one_background_per_chunk(
    programme, admin, settings, django_capture_on_commit_callbacks
):
    for number in range(CERTIFICATES_PER_CHUNK + 5):  # two chunks
        completed(programme, full_name=f"Graduate {number:02d}")
    job = run_certificates(programme, admin, django_capture_on_commit_callbacks)

    codes = _zip_codes(job)
    combined = job.combined.read()
    assert _page_codes(combined, codes) == codes
    singles = sum(c.file.size for c in Certificate.objects.all())
    # Made from the chunks' documents, not by merging the single files, each of which carries
    # its own copy of the shared layer and its fonts.
    assert len(combined) < singles / 4
    # The chunks' documents served only this: they are gone once the job is done.
    folder = Path(settings.MEDIA_ROOT) / job_folder(job)
    assert not folder.exists() or list(folder.iterdir()) == []


def test_combined_pdf_merges_the_single_files_when_chunks_overlap(
    programme, admin, django_capture_on_commit_callbacks
):
    first, second, third = (completed(programme) for _number in range(3))
    job = run_certificates(programme, admin, django_capture_on_commit_callbacks)
    # As a resumed job may leave them: the same certificate listed by two chunks.
    for name, ids in [("chunk-1", [first.pk, second.pk]), ("chunk-2", [second.pk, third.pk])]:
        save_file(
            f"{job_folder(job)}/{name}.pdf", Certificate.objects.get(participant=first).file.read()
        )
        save_file(f"{job_folder(job)}/{name}.json", json.dumps({"participants": ids}).encode())

    finish_job(job=job)

    job.refresh_from_db()
    codes = _zip_codes(job)
    assert len(codes) == 3
    assert _page_codes(job.combined.read(), codes) == codes


def test_a_template_edited_between_batches_shows_in_the_next_one(
    programme, admin, django_capture_on_commit_callbacks
):
    participant = completed(programme)
    run_certificates(programme, admin, django_capture_on_commit_callbacks)
    template = template_for(programme)
    template.heading_en = "Certificate of Completion"
    template.save()
    SignatoryFactory(template=template, name="Ofy Sofiana", title="Principal Secretary")

    run_certificates(programme, admin, django_capture_on_commit_callbacks)

    text = pdf_text(Certificate.objects.get(participant=participant).file.read())
    assert "Certificate of Completion" in text
    assert "Ofy Sofiana" in text


def test_a_chunk_rendered_after_a_template_edit_matches_the_rest_of_its_job(
    programme, admin, monkeypatch
):
    # The layer every certificate shares is rendered once, when the job starts, and stored
    # with it: a chunk rendered later, on any worker, lays its pages over that same one.
    participant = completed(programme)
    sent = []
    monkeypatch.setattr(
        render_job_items_task, "apply_async", lambda kwargs, **options: sent.append(kwargs)
    )
    job = GenerationJob.objects.create(
        programme=programme, kind=GenerationJob.Kind.CERTIFICATES, language="en", started_by=admin
    )
    run_job(job_id=job.pk)
    template = template_for(programme)
    template.heading_en = "Certificate of Completion"
    template.save()

    [chunk] = sent
    render_items(**chunk)

    job.refresh_from_db()
    assert (job.status, job.done) == (GenerationJob.Status.DONE, 1)
    text = pdf_text(Certificate.objects.get(participant=participant).file.read())
    assert "Certificate of Participation" in text
    assert "Certificate of Completion" not in text


def test_certificate_is_landscape_by_default_and_portrait_when_chosen(
    programme, admin, django_capture_on_commit_callbacks
):
    participant = completed(programme)
    run_certificates(programme, admin, django_capture_on_commit_callbacks)
    page = PdfReader(Certificate.objects.get().file.open("rb")).pages[0]
    assert page.mediabox.width > page.mediabox.height
    template = template_for(programme)
    template.orientation = "portrait"
    template.save()
    run_certificates(programme, admin, django_capture_on_commit_callbacks)
    page = PdfReader(participant.certificate.file.open("rb")).pages[0]
    assert round(float(page.mediabox.width)) == 595  # A4 portrait, in points
    assert round(float(page.mediabox.height)) == 842


def test_regenerating_keeps_the_code_and_overwrites_the_one_file(
    programme, admin, settings, django_capture_on_commit_callbacks
):
    participant = completed(programme, full_name="Sita Shrestha")
    run_certificates(programme, admin, django_capture_on_commit_callbacks)
    first = Certificate.objects.get()
    participant.certificate_name = "Sita Kumari Shrestha"
    participant.save()

    second_job = run_certificates(programme, admin, django_capture_on_commit_callbacks)

    assert second_job.status == GenerationJob.Status.DONE
    second = Certificate.objects.get()
    assert (second.code, second.file.name) == (first.code, first.file.name)
    assert second.rendered_at > first.rendered_at
    folder = Path(settings.MEDIA_ROOT) / "certificates" / str(programme.pk)
    assert [path.name for path in folder.iterdir()] == [f"{first.code}.pdf"]
    assert "Sita Kumari Shrestha" in pdf_text(second.file.read())
    # The earlier job's links are cleared: its files were replaced by the second run's.
    assert list(GenerationJob.objects.filter(archive="").values_list("pk", flat=True)) == [
        GenerationJob.objects.exclude(pk=second_job.pk).get().pk
    ]


def test_revoked_certificates_are_not_regenerated(
    programme, admin, django_capture_on_commit_callbacks
):
    participant = completed(programme)
    other = completed(programme)
    run_certificates(programme, admin, django_capture_on_commit_callbacks)
    Certificate.objects.filter(participant=participant).update(
        revoked_at="2023-11-20T00:00:00Z", revocation_reason="Did not attend"
    )
    job = run_certificates(programme, admin, django_capture_on_commit_callbacks)
    assert (job.total, job.done) == (1, 1)
    with zipfile.ZipFile(job.archive.open("rb")) as archive:
        assert [name.split("-", 4)[:4] for name in archive.namelist()] == [
            other.certificate.code.split("-")
        ]


SCRIPTS = [
    ("ສົມພອນ ພົມມະວົງ", "Lao"),
    ("အောင်ကျော်မိုး", "Myanmar"),
    ("නිමල් පෙරේරා", "Sinhala"),
    ("கவிதா இராஜேந்திரன்", "Tamil"),
    ("सीता श्रेष्ठ", "Devanagari"),
    ("สมชาย ใจดี", "Thai"),
]


def _font_names(data: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


@pytest.mark.parametrize(("name", "script"), SCRIPTS)
def test_names_are_set_in_a_noto_font_of_their_script(
    programme, admin, name, script, django_capture_on_commit_callbacks
):
    completed(programme, full_name=name, full_name_latin="Latin Transliteration")
    run_certificates(programme, admin, django_capture_on_commit_callbacks)
    data = Certificate.objects.get().file.read()
    assert name.split()[0] in pdf_text(data)
    fonts = _font_names(data)
    assert any(f"Noto-{kind}-{script}" in font for font in fonts for kind in ("Serif", "Sans"))


# --- Organisers' pages ---------------------------------------------------------------------


def test_certificates_page_shows_no_e_mail_addresses(cast, programme):
    response = client_for(cast["organiser"]).get(
        reverse("reports:certificates", args=[programme.slug])
    )
    assert "delegate.a@example.org" not in response.content.decode()


def test_certificates_page_shows_eligibility_codes_and_validity(programme, admin):
    eligible = completed(programme, full_name="Nimal Perera")
    revoked = completed(programme, full_name="Kavitha Rajendran")
    late = ParticipantFactory(programme=programme, full_name="Aung Kyaw Moe")
    attend(late, True)
    certificate = issue_certificate(participant=eligible)
    revoked_certificate = issue_certificate(participant=revoked)
    revoked_certificate.revoked_at = "2023-11-20T00:00:00Z"
    revoked_certificate.revocation_reason = "Left on day one"
    revoked_certificate.save()

    page = client_for(admin).get(reverse("reports:certificates", args=[programme.slug]))

    html = page.content.decode()
    assert certificate.code in html
    assert revoked_certificate.code in html
    assert "Left on day one" in html
    assert "Not marked as completed" in html
    assert reverse("reports:certificate_revoke", args=[programme.slug, eligible.pk]) in html
    assert reverse("reports:certificate_revoke", args=[programme.slug, revoked.pk]) not in html
    assert 'name="kind" value="certificates"' in html  # admins may start the batch


def test_organisers_see_the_page_without_the_start_button(cast, programme):
    html = (
        client_for(cast["organiser"])
        .get(reverse("reports:certificates", args=[programme.slug]))
        .content.decode()
    )
    assert 'name="kind" value="certificates"' not in html


@pytest.mark.parametrize("size", [10, 500])
def test_certificates_page_queries_do_not_grow_with_participants(
    programme, admin, size, django_assert_max_num_queries
):
    participants = Participant.objects.bulk_create(
        [
            ParticipantFactory.build(
                programme=programme,
                category=Participant.Category.INTERNATIONAL,
                status=Participant.Status.COMPLETED,
                full_name=f"Participant {number}",
                email=f"p{number}@example.org",
                badge_code=f"badge-{number}",
            )
            for number in range(size)
        ]
    )
    Certificate.objects.bulk_create(
        [
            CertificateFactory.build(participant=p, code=new_certificate_code())
            for p in participants[::2]
        ]
    )
    template_for(programme)
    client = client_for(admin)
    # session, user, programme, template, participants with attendance and certificates,
    # latest job, the navigation's participations.
    with django_assert_max_num_queries(7):
        response = client.get(reverse("reports:certificates", args=[programme.slug]))
    assert response.content.decode().count("<tr>") == size + 1


def _template_data(**changes) -> dict:
    data = {
        "heading_en": "Certificate of Completion",
        "heading_local": "Sertifikat Penyelesaian",
        "wording_en": "completed the programme",
        "wording_local": "telah menyelesaikan program",
        "orientation": "landscape",
        "minimum_attendance": "75",
        "require_completed_status": "on",
        "signatories-TOTAL_FORMS": "1",
        "signatories-INITIAL_FORMS": "0",
        "signatories-MIN_NUM_FORMS": "0",
        "signatories-MAX_NUM_FORMS": "4",
        "signatories-0-name": "",
        "signatories-0-title": "",
        "signatories-0-organisation": "",
        "signatories-0-position": "1",
    }
    data.update(changes)
    return data


def test_organiser_edits_wording_rule_and_adds_a_signatory_with_a_signature(cast, programme):
    client = client_for(cast["organiser"])
    url = reverse("reports:certificate_template", args=[programme.slug])
    data = _template_data(
        **{
            "signatories-0-name": "Ofy Sofiana",
            "signatories-0-title": "Principal Secretary",
            "signatories-0-organisation": "Perpustakaan Nasional RI",
            "signatories-0-signature": png_upload("signature.png", (1200, 400)),
            "partner_logo": png_upload("partner.png"),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302
    template = template_for(programme)
    assert (template.heading_en, template.minimum_attendance) == ("Certificate of Completion", 75)
    signatory = template.signatories.get()
    assert (signatory.name, signatory.position) == ("Ofy Sofiana", 1)
    with Image.open(signatory.signature.open("rb")) as signature:
        assert (signature.format, max(signature.size)) == ("JPEG", 600)
    with Image.open(template.partner_logo.open("rb")) as logo:
        assert logo.format == "JPEG"

    preview = client.get(reverse("reports:certificate_preview", args=[programme.slug]))
    text = pdf_text(preview.content)
    assert "Certificate of Completion" in text
    assert "Ofy Sofiana" in text
    assert SAMPLE_NAME in text
    # The preview embeds the signature, the partner logo and the QR code as images.
    images = PdfReader(io.BytesIO(preview.content)).pages[0].images
    assert len(images) == 3


def test_a_renamed_text_file_is_refused_as_an_image(cast, programme):
    response = client_for(cast["organiser"]).post(
        reverse("reports:certificate_template", args=[programme.slug]),
        _template_data(
            partner_logo=SimpleUploadedFile("logo.png", b"root:x:0:0\n", content_type="image/png")
        ),
    )
    assert response.status_code == 200
    assert "The file is not an image (JPEG, PNG, WebP or GIF)." in response.content.decode()
    assert not template_for(programme).partner_logo


def test_template_refuses_an_attendance_above_100(cast, programme):
    response = client_for(cast["organiser"]).post(
        reverse("reports:certificate_template", args=[programme.slug]),
        _template_data(minimum_attendance="120"),
    )
    assert response.status_code == 200
    assert template_for(programme).minimum_attendance == 80


def test_signatories_are_reordered_and_limited_to_four(cast, programme):
    template = template_for(programme)
    first = SignatoryFactory(template=template, name="A", title="T", position=1)
    second = SignatoryFactory(template=template, name="B", title="T", position=2)
    client = client_for(cast["organiser"])
    url = reverse("reports:certificate_template", args=[programme.slug])
    data = _template_data(
        **{
            "signatories-TOTAL_FORMS": "3",
            "signatories-INITIAL_FORMS": "2",
            "signatories-0-id": str(first.pk),
            "signatories-0-name": "A",
            "signatories-0-title": "T",
            "signatories-0-position": "5",
            "signatories-1-id": str(second.pk),
            "signatories-1-name": "B",
            "signatories-1-title": "T",
            "signatories-1-position": "2",
            "signatories-2-position": "3",
        }
    )
    assert client.post(url, data).status_code == 302
    assert list(template.signatories.values_list("name", flat=True)) == ["B", "A"]

    for name in ("C", "D", "E"):
        SignatoryFactory(template=template, name=name, title="T", position=9)
    data = _template_data(
        **{"signatories-TOTAL_FORMS": "5", "signatories-INITIAL_FORMS": "5"},
        **{
            f"signatories-{index}-{key}": value
            for index, signatory in enumerate(template.signatories.all())
            for key, value in {
                "id": str(signatory.pk),
                "name": signatory.name,
                "title": "T",
                "position": str(signatory.position),
            }.items()
        },
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Please submit at most 4 forms." in response.content.decode()


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_signatory_delete_deletes_it(cast, programme, role):
    signatory = SignatoryFactory(template__programme=programme)
    response = client_for(cast[role]).post(
        reverse("reports:signatory_delete", args=[programme.slug, signatory.pk]), {"confirmed": "1"}
    )
    assert response.status_code == 302
    assert not Signatory.objects.filter(pk=signatory.pk).exists()


def test_signatory_of_another_programme_cannot_be_deleted(cast, programme):
    other = ParticipantFactory().programme
    signatory = SignatoryFactory(template__programme=other)
    response = client_for(cast["organiser"]).post(
        reverse("reports:signatory_delete", args=[programme.slug, signatory.pk])
    )
    assert response.status_code == 404
    assert Signatory.objects.filter(pk=signatory.pk).exists()


def test_certificate_preview_is_a_pdf_for_a_frame_of_the_site(cast, programme):
    response = client_for(cast["organiser"]).get(
        reverse("reports:certificate_preview", args=[programme.slug])
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_preview_of_a_participant_uses_their_name_and_code(programme, admin):
    participant = completed(programme, full_name="Nimal Perera")
    certificate = issue_certificate(participant=participant)
    response = client_for(admin).get(
        reverse("reports:certificate_preview", args=[programme.slug]),
        {"participant": participant.pk},
    )
    text = pdf_text(response.content)
    assert "Nimal Perera" in text
    assert certificate.code in text
    assert f"http://testserver/verify/{certificate.code}/" in text.replace("\n", "")


def test_preview_of_another_programmes_participant_is_not_found(programme, admin):
    stranger = ParticipantFactory()
    response = client_for(admin).get(
        reverse("reports:certificate_preview", args=[programme.slug]),
        {"participant": stranger.pk},
    )
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_certificate_download_carries_its_code(cast, programme, django_capture_on_commit_callbacks):
    participant = completed(programme)
    run_certificates(programme, cast["admin"], django_capture_on_commit_callbacks)
    response = client_for(cast["organiser"]).get(
        reverse("reports:certificate_download", args=[programme.slug, participant.pk])
    )
    data = b"".join(response.streaming_content)
    assert participant.certificate.code in pdf_text(data)


def test_download_of_a_participant_without_certificate_is_not_found(programme, admin):
    participant = completed(programme)
    response = client_for(admin).get(
        reverse("reports:certificate_download", args=[programme.slug, participant.pk])
    )
    assert response.status_code == 404
    assert not response.has_header("Content-Disposition")


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_certificate_revoke_records_the_reason(cast, programme, role):
    participant = completed(programme)
    certificate = issue_certificate(participant=participant)
    response = client_for(cast[role]).post(
        reverse("reports:certificate_revoke", args=[programme.slug, participant.pk]),
        {"reason": "Duplicate registration", "confirmed": "1"},
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert not certificate.is_valid
    assert certificate.revocation_reason == "Duplicate registration"


def test_revoking_needs_a_reason(programme, admin):
    participant = completed(programme)
    certificate = issue_certificate(participant=participant)
    client_for(admin).post(
        reverse("reports:certificate_revoke", args=[programme.slug, participant.pk]),
        {"reason": "  "},
    )
    certificate.refresh_from_db()
    assert certificate.is_valid


def test_certificate_of_another_programme_cannot_be_revoked(cast, programme):
    stranger = completed(ParticipantFactory().programme)
    certificate = issue_certificate(participant=stranger)
    response = client_for(cast["organiser"]).post(
        reverse("reports:certificate_revoke", args=[programme.slug, stranger.pk]),
        {"reason": "Not ours"},
    )
    assert response.status_code == 404
    certificate.refresh_from_db()
    assert certificate.is_valid


# --- The delegate's own certificate --------------------------------------------------------


def test_delegate_downloads_their_own_certificate_and_never_another(
    cast, programme, django_capture_on_commit_callbacks
):
    Participant.objects.update(status=Participant.Status.COMPLETED)
    mine = cast["delegate"].participations.get()
    theirs = cast["delegate_b"].participations.get()
    attend(mine, True)
    attend(theirs, True)
    run_certificates(programme, cast["admin"], django_capture_on_commit_callbacks)

    response = client_for(cast["delegate"]).get(reverse("reports:my_certificate"))

    data = b"".join(response.streaming_content)
    assert response["Content-Disposition"] == (
        f'attachment; filename="certificate-{mine.certificate.code}.pdf"'
    )
    assert mine.certificate.code in pdf_text(data)
    assert theirs.certificate.code not in pdf_text(data)


def test_delegate_without_a_certificate_gets_a_friendly_page(cast, programme):
    response = client_for(cast["delegate"]).get(reverse("reports:my_certificate"))
    assert response.status_code == 200
    assert "Your certificate is not ready yet." in response.content.decode()


def test_revoked_certificate_is_not_handed_to_the_delegate(
    cast, programme, django_capture_on_commit_callbacks
):
    mine = cast["delegate"].participations.get()
    mine.status = Participant.Status.COMPLETED
    mine.save()
    attend(mine, True)
    run_certificates(programme, cast["admin"], django_capture_on_commit_callbacks)
    Certificate.objects.filter(participant=mine).update(
        revoked_at="2023-11-20T00:00:00Z", revocation_reason="Registered twice"
    )
    response = client_for(cast["delegate"]).get(reverse("reports:my_certificate"))
    html = response.content.decode()
    assert "withdrawn by the organisers" in html
    assert "Registered twice" in html


def test_partner_logo_decompression_bomb_is_a_form_error_and_the_form_stays_filled(cast, programme):
    response = client_for(cast["organiser"]).post(
        reverse("reports:certificate_template", args=[programme.slug]),
        _template_data(partner_logo=bomb_upload()),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"partner_logo": ["The image has too many pixels."]}
    assert "Certificate of Completion" in response.content.decode()
    assert not template_for(programme).partner_logo


def test_signature_decompression_bomb_is_a_form_error_and_the_form_stays_filled(cast, programme):
    response = client_for(cast["organiser"]).post(
        reverse("reports:certificate_template", args=[programme.slug]),
        _template_data(
            **{
                "signatories-0-name": "Ofy Sofiana",
                "signatories-0-title": "Principal Secretary",
                "signatories-0-signature": bomb_upload("signature.png"),
            }
        ),
    )
    assert response.status_code == 200
    assert response.context["formset"].errors == [{"signature": ["The image has too many pixels."]}]
    assert 'value="Ofy Sofiana"' in response.content.decode()
    assert not Signatory.objects.exists()


URDU_NAME = "عائشہ صدیقی"


def assert_set_in_naskh(data: bytes) -> None:
    """Arabic-script text is set in Noto Naskh Arabic: no Kufi, no DejaVu Sans (the badge
    code's monospace font aside)."""
    fonts = _font_names(data)
    assert any("Noto-Naskh-Arabic" in font for font in fonts), fonts
    wrong = [font for font in fonts if "Kufi" in font or re.search(r"DejaVu-Sans(-Bold)?$", font)]
    assert wrong == [], fonts


def test_urdu_names_are_set_in_noto_naskh_arabic(
    programme, admin, django_capture_on_commit_callbacks
):
    completed(programme, full_name=URDU_NAME, full_name_latin="Ayesha Siddiqui")
    run_certificates(programme, admin, django_capture_on_commit_callbacks)
    data = Certificate.objects.get().file.read()
    assert "Ayesha Siddiqui" in pdf_text(data)
    assert_set_in_naskh(data)
