import io

import pytest
import segno
from django.template.loader import render_to_string
from django.urls import reverse
from pypdf import PdfReader

from participants.models import Participant
from participants.retention import erased_name
from reports.badges import badge_holders, badges_context
from reports.forms import BadgeRequestForm
from reports.jobs import start_job
from reports.models import GenerationJob
from reports.qr import qr_svg
from reports.retention import erase_participant
from tests.conftest import client_for
from tests.factories import (
    GenerationJobFactory,
    ParticipantFactory,
    ProgrammeFactory,
    UserFactory,
    member_country,
)

from .test_certificates import URDU_NAME, assert_set_in_naskh
from .test_documents import pdf_text

LAO = {"full_name": "ສົມພອນ ພົມມະວົງ", "full_name_latin": "Somphone Phommavong"}
MYANMAR = {"full_name": "အောင်ကျော်မိုး", "full_name_latin": "Aung Kyaw Moe"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def admin(db):
    return UserFactory(is_superuser=True, is_staff=True)


def generate(programme, user, capture, *, participant=None, language="en") -> GenerationJob:
    with capture(execute=True):
        document = start_job(
            programme=programme,
            kind=GenerationJob.Kind.BADGES,
            language=language,
            by=user,
            participant=participant,
        )
    document.refresh_from_db()
    return document


def test_badges_print_names_in_every_script_and_no_private_data(
    programme, admin, django_capture_on_commit_callbacks
):
    lao = ParticipantFactory(
        programme=programme,
        **LAO,
        country=member_country("LA"),
        passport_number="P1234567",
        phone="+856 20 5555 0101",
    )
    myanmar = ParticipantFactory(programme=programme, **MYANMAR, passport_number="MA7654321")
    domestic = ParticipantFactory(
        programme=programme,
        category=Participant.Category.DOMESTIC,
        country=None,
        full_name="Siti Rahmawati",
        region="Provinsi Jawa Barat",
    )

    document = generate(programme, admin, django_capture_on_commit_callbacks)

    assert document.status == GenerationJob.Status.DONE
    text = pdf_text(document.combined.read())
    for name in [*LAO.values(), *MYANMAR.values(), "Siti Rahmawati"]:
        assert name in text
    # Origins and categories are set in capitals by the stylesheet.
    assert "LAOS" in text
    assert "PROVINSI JAWA BARAT" in text
    assert "DOMESTIC REPRESENTATIVE" in text
    assert programme.short_name_en in text
    for private in [
        "P1234567",
        "MA7654321",
        "+856 20 5555 0101",
        lao.email,
        myanmar.email,
        domestic.email,
    ]:
        assert private not in text


def test_badge_qr_holds_exactly_the_badge_code(programme):
    participant = ParticipantFactory(programme=programme, **LAO)

    [badge] = badges_context(programme)["badges"]

    expected = segno.make(participant.badge_code, error="m", micro=False)
    assert badge.qr == expected.svg_inline(scale=1, omitsize=True, dark="#000")
    assert badge.qr == qr_svg(participant.badge_code)
    # A QR code of anything else (the name, say) would differ.
    assert badge.qr != qr_svg(participant.full_name_latin)


def test_badge_html_carries_the_qr_but_no_contact_data(programme):
    participant = ParticipantFactory(
        programme=programme, phone="+62 812 0000 0101", passport_number="X1234567"
    )
    html = render_to_string("reports/pdf/badges.html", badges_context(programme))
    assert str(qr_svg(participant.badge_code)) in html
    assert participant.email not in html
    assert "+62 812 0000 0101" not in html
    assert "X1234567" not in html


def test_markup_in_a_name_prints_literally(programme, admin, django_capture_on_commit_callbacks):
    ParticipantFactory(programme=programme, full_name='<img src="file:///etc/passwd">')
    text = pdf_text(generate(programme, admin, django_capture_on_commit_callbacks).combined.read())
    # The long name wraps on the badge; joined up it is the markup, character for character.
    assert '<img src="file:///etc/passwd">' in text.replace("\n", "")
    assert "root:x:0:0" not in text


def test_badges_fill_a4_sheets_four_at_a_time(programme, admin, django_capture_on_commit_callbacks):
    ParticipantFactory.create_batch(5, programme=programme)
    document = generate(programme, admin, django_capture_on_commit_callbacks)
    pages = PdfReader(io.BytesIO(document.combined.read())).pages
    assert len(pages) == 2
    assert [round(float(v)) for v in pages[0].mediabox[2:]] == [595, 842]  # A4 in points


def test_all_badges_leave_out_withdrawn_and_declined(
    programme, admin, django_capture_on_commit_callbacks
):
    ParticipantFactory(programme=programme, full_name="Active Person")
    ParticipantFactory(
        programme=programme, full_name="Withdrawn Person", status=Participant.Status.WITHDRAWN
    )
    ParticipantFactory(
        programme=programme, full_name="Declined Person", status=Participant.Status.DECLINED
    )
    text = pdf_text(generate(programme, admin, django_capture_on_commit_callbacks).combined.read())
    assert "Active Person" in text
    assert "Withdrawn Person" not in text
    assert "Declined Person" not in text


def test_no_badge_for_someone_whose_data_was_erased(
    programme, admin, django_capture_on_commit_callbacks
):
    ParticipantFactory(programme=programme, full_name="Active Person")
    erased = ParticipantFactory(programme=programme, full_name="Erased Person")
    erase_participant(participant=erased, by=admin, keep_certificate=False)

    text = pdf_text(generate(programme, admin, django_capture_on_commit_callbacks).combined.read())
    assert "Active Person" in text
    assert erased_name(erased) not in text
    assert list(badge_holders(programme).values_list("full_name", flat=True)) == ["Active Person"]
    form = BadgeRequestForm({"participant": erased.pk, "language": "en"}, programme=programme)
    assert "participant" in form.errors


def test_single_badge_shows_only_its_participant(
    programme, admin, django_capture_on_commit_callbacks
):
    chosen = ParticipantFactory(programme=programme, full_name="Chosen Person")
    ParticipantFactory(programme=programme, full_name="Other Person")
    document = generate(
        programme,
        admin,
        django_capture_on_commit_callbacks,
        participant=chosen,
    )
    text = pdf_text(document.combined.read())
    assert "Chosen Person" in text
    assert "Other Person" not in text
    assert (
        document.download_name("pdf") == f"{programme.slug}-badges-participant-{chosen.pk}-en.pdf"
    )


def test_regenerating_a_badge_replaces_it(
    programme, admin, django_capture_on_commit_callbacks, tmp_path
):
    participant = ParticipantFactory(programme=programme)
    first = generate(programme, admin, django_capture_on_commit_callbacks, participant=participant)
    second = generate(programme, admin, django_capture_on_commit_callbacks, participant=participant)
    first.refresh_from_db()
    assert (first.combined.name, second.participant) == ("", participant)
    folder = tmp_path / "jobs" / str(programme.pk) / "badges"
    stored = sorted(path.name for path in folder.iterdir() if path.is_file())
    assert stored == [f"badges-participant-{participant.pk}-en.pdf"]
    assert second.combined.name == f"jobs/{programme.pk}/badges/{stored[0]}"


def test_badge_job_goes_with_its_participant(programme, admin):
    participant = ParticipantFactory(programme=programme)
    # Not run on commit: the participant goes before the worker picks the job up.
    job = start_job(
        programme=programme, kind="badges", language="en", by=admin, participant=participant
    )
    participant.delete()
    assert not GenerationJob.objects.filter(pk=job.pk).exists()


# The page -----------------------------------------------------------------------------------


def test_badges_page_lists_active_participants_and_their_documents(
    programme, admin, django_capture_on_commit_callbacks
):
    lao = ParticipantFactory(programme=programme, **LAO)
    ParticipantFactory(
        programme=programme, full_name="Withdrawn Person", status=Participant.Status.WITHDRAWN
    )
    document = generate(programme, admin, django_capture_on_commit_callbacks, participant=lao)
    response = client_for(admin).get(reverse("reports:badges", args=[programme.slug]))
    page = response.content.decode()
    assert [participant for participant, _ in response.context["rows"]] == [lao]
    assert response.context["rows"][0][1] == [document]
    assert "Somphone Phommavong" in page
    assert "ສົມພອນ ພົມມະວົງ" in page
    assert "Withdrawn Person" not in page
    assert reverse("reports:job_combined", args=[document.pk]) in page
    assert 'aria-current="page"' in page


@pytest.mark.parametrize("role", ["staff", "organiser", "admin"])
def test_generating_all_badges_by_the_team(
    cast, programme, role, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast[role]).post(
            reverse("reports:badges", args=[programme.slug]), {"language": "id"}
        )
    assert response["Location"] == reverse("reports:badges", args=[programme.slug])
    document = GenerationJob.objects.get(programme=programme)
    assert (document.kind, document.participant, document.language, document.status) == (
        "badges",
        None,
        "id",
        "done",
    )
    assert document.started_by == cast[role]


def test_generating_one_badge_names_its_participant(
    cast, programme, django_capture_on_commit_callbacks
):
    participant = ParticipantFactory(programme=programme, full_name="Chosen Person")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast["staff"]).post(
            reverse("reports:badges", args=[programme.slug]),
            {"participant": participant.pk, "language": "en"},
            follow=True,
        )
    document = GenerationJob.objects.get(programme=programme)
    assert document.participant == participant
    assert "Chosen Person" in pdf_text(document.combined.read())
    # The page says where the job stands (here, still waiting: the test sends it on commit).
    assert "The badge of Chosen Person: queued" in response.content.decode()


@pytest.mark.parametrize(
    "participant",
    ["other_programme", "withdrawn", "not-a-number"],
)
def test_badge_for_someone_not_active_here_is_refused(
    cast, programme, participant, django_capture_on_commit_callbacks
):
    ids = {
        "other_programme": ParticipantFactory(programme=ProgrammeFactory()).pk,
        "withdrawn": ParticipantFactory(
            programme=programme, status=Participant.Status.WITHDRAWN
        ).pk,
        "not-a-number": "abc",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast["organiser"]).post(
            reverse("reports:badges", args=[programme.slug]),
            {"participant": ids[participant], "language": "en"},
            follow=True,
        )
    assert response.status_code == 200
    assert "Choose an active participant and a language." in response.content.decode()
    assert not GenerationJob.objects.exists()


def test_badges_page_query_count_is_fixed(
    programme, admin, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client = client_for(admin)
    url = reverse("reports:badges", args=[programme.slug])

    def load(size: int) -> None:
        Participant.objects.bulk_create(
            ParticipantFactory.build(
                programme=programme,
                category=Participant.Category.DOMESTIC,
                full_name=f"Person {size}-{n}",
                region="Kota Bandung",
                badge_code=f"code-{size}-{n}",
            )
            for n in range(size)
        )

    load(10)
    generate(programme, admin, django_capture_on_commit_callbacks)
    # Session, user, programme (an admin needs no membership query), active participants with
    # country and province, badge documents with who asked, the menu's delegate check.
    with django_assert_num_queries(6):
        assert len(client.get(url).context["rows"]) == 10
    load(490)
    with django_assert_num_queries(6):
        assert len(client.get(url).context["rows"]) == 500


# Document status and download ----------------------------------------------------------------


def _document(programme, kind, status, participant=None):
    return GenerationJobFactory(
        programme=programme, kind=kind, status=status, participant=participant
    )


def test_status_partial_polls_while_pending_and_stops_when_done(cast, programme):
    document = _document(programme, GenerationJob.Kind.BADGES, GenerationJob.Status.RUNNING)
    client = client_for(cast["staff"])
    url = reverse("reports:job_status", args=[document.pk])

    response = client.get(url, headers={"HX-Request": "true"})
    assert "HX-Request" in response["Vary"]
    pending = response.content.decode()
    assert f'hx-get="{url}"' in pending
    assert 'hx-trigger="every 2s"' in pending
    assert "Running" in pending
    assert "<html" not in pending

    GenerationJob.objects.filter(pk=document.pk).update(
        status=GenerationJob.Status.DONE, combined="jobs/badges-en.pdf"
    )
    done = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in done
    assert reverse("reports:job_combined", args=[document.pk]) in done


def test_status_page_works_without_javascript(cast, programme):
    document = _document(programme, GenerationJob.Kind.BADGES, GenerationJob.Status.QUEUED)
    client = client_for(cast["organiser"])
    url = reverse("reports:job_status", args=[document.pk])

    page = client.get(url).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "All active participants" in page
    assert reverse("reports:badges", args=[programme.slug]) in page

    GenerationJob.objects.filter(pk=document.pk).update(
        status=GenerationJob.Status.FAILED, error="Boom"
    )
    page = client.get(url).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "Boom" in page


@pytest.mark.parametrize(
    ("kind", "staff_gets"),
    [(GenerationJob.Kind.BADGES, 200), (GenerationJob.Kind.PROGRAMME_OVERVIEW, 403)],
)
def test_document_status_of_badges_is_open_to_staff(cast, programme, kind, staff_gets):
    # The permission table covers the overview; badges are working papers of the whole team.
    document = _document(programme, kind, GenerationJob.Status.QUEUED)
    response = client_for(cast["staff"]).get(reverse("reports:job_status", args=[document.pk]))
    assert response.status_code == staff_gets
    if staff_gets == 200:
        assert "Queued" in response.content.decode()


def test_badge_download_by_staff(cast, programme, django_capture_on_commit_callbacks):
    document = generate(programme, cast["admin"], django_capture_on_commit_callbacks)
    response = client_for(cast["staff"]).get(reverse("reports:job_combined", args=[document.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert f'filename="{programme.slug}-badges-en.pdf"' in response["Content-Disposition"]


def test_unfinished_document_cannot_be_downloaded(cast, programme):
    document = _document(programme, GenerationJob.Kind.BADGES, GenerationJob.Status.RUNNING)
    response = client_for(cast["admin"]).get(reverse("reports:job_combined", args=[document.pk]))
    assert response.status_code == 404
    assert not response.has_header("Content-Disposition")


def test_reports_page_lists_only_programme_wide_documents(cast, programme):
    overview = _document(
        programme, GenerationJob.Kind.PROGRAMME_OVERVIEW, GenerationJob.Status.DONE
    )
    _document(
        programme,
        GenerationJob.Kind.BADGES,
        GenerationJob.Status.DONE,
        participant=ParticipantFactory(programme=programme),
    )
    response = client_for(cast["admin"]).get(reverse("reports:list", args=[programme.slug]))
    assert response.context["documents"] == [overview]


def _baselines(page) -> dict[str, float]:
    """Each text piece on the page with the height of its baseline, in points from the top."""
    top = float(page.mediabox.top)
    found: dict[str, float] = {}

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            found.setdefault(text.strip(), top - (tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))

    page.extract_text(visitor_text=visit)
    return found


def test_badge_prints_the_institution_and_leaves_no_gap_above_the_code(
    programme, admin, django_capture_on_commit_callbacks
):
    participant = ParticipantFactory(
        programme=programme,
        full_name="Siti Rahmawati",
        institution="Perpustakaan Negara Malaysia",
        country=member_country("MY"),
    )
    document = generate(programme, admin, django_capture_on_commit_callbacks)
    page = PdfReader(io.BytesIO(document.combined.read())).pages[0]
    assert "Perpustakaan Negara Malaysia" in pdf_text(document.combined.open().read())
    lines = _baselines(page)
    # The name, institution and origin sit together, centred above the QR code: the origin is
    # less than 60 mm above the code printed beneath the QR code (it was 71 mm).
    assert lines["Siti Rahmawati"] < lines["Perpustakaan Negara Malaysia"] < lines["MALAYSIA"]
    gap_mm = (lines[participant.badge_code] - lines["MALAYSIA"]) * 25.4 / 72
    assert gap_mm < 60


def test_urdu_name_on_a_badge_is_set_in_noto_naskh_arabic(
    programme, admin, django_capture_on_commit_callbacks
):
    ParticipantFactory(programme=programme, full_name=URDU_NAME, full_name_latin="Ayesha Siddiqui")
    data = generate(programme, admin, django_capture_on_commit_callbacks).combined.read()
    assert "Ayesha Siddiqui" in pdf_text(data)
    assert_set_in_naskh(data)
