"""The closing report: its facts, figures and charts, the organisers' page, the generation job."""

import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from participants.models import (
    EvaluationQuestion,
    Participant,
)
from participants.services import change_status
from programs.models import Programme
from reports.closing import (
    bar_chart_svg,
    closing_report_context,
    render_closing_report,
    time_zone_label,
)
from reports.closing_forms import ClosingReportForm, QuoteFormSet
from reports.models import ClosingReport, GenerationJob, Quote
from reports.services import save_closing_report
from tests.conftest import client_for
from tests.factories import (
    ActionPlanFactory,
    AssignmentFactory,
    ClosingReportFactory,
    ColomboProgrammeFactory,
    EvaluationAnswerFactory,
    EvaluationQuestionFactory,
    EvaluationResponseFactory,
    MilestoneFactory,
    ParticipantFactory,
    ProgrammeFactory,
    QuoteFactory,
    SessionFactory,
    SessionPhotoFactory,
    SiteFactory,
    UserFactory,
    member_country,
)
from visits.models import Assignment, Session

from .test_certificates import URDU_NAME, assert_set_in_naskh

# Every fact of the reference programme marked ★ that the demo's closing report must state.
REFERENCE_FACTS = [
    "Knowledge Sharing Programme on Social Inclusion-Based Library Transformation",
    "Program Berbagi Pengetahuan tentang Transformasi Perpustakaan Berbasis Inklusi Sosial",
    "TPBIS",
    "Perpusnas",
    "National Library of the Republic of Indonesia",
    "Jl. Medan Merdeka Selatan, Jakarta",
    "13–17 November 2023",
    "5 days",
    "Asia/Jakarta (WIB, UTC+7)",
    "8 international participants from 6 member countries",
    "Laos",
    "Malaysia",
    "Nepal",
    "Sri Lanka",
    "Myanmar",
    "Vietnam",
    "10 domestic participants representing provinces, regencies and cities of Indonesia",
    "7 countries represented: the host, Indonesia, and 6 other countries",
    "travelled, learned and discovered the strategies and projects",
    "through visits and exploration",
    "Perpustakaan Mutiara Rawa Binong",
    "Jakarta Timur",
    "Thursday, 16 November 2023",
    "Friday, 17 November 2023",
    "Ofy Sofiana",
    "Sekretaris Utama",
    "Ini juga menjadi bukti nyata kekuatan transformatif perpustakaan",
    "This is also real proof of the transformative power of libraries",
    "KSST",
    "Kemensetneg",
    "Colombo Plan",
    "2030",
    "Wara Merdeka",
    "Prakas Agrestian",
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def admin(db):
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def demo(db):
    call_command("loaddemo", stdout=io.StringIO())
    return Programme.objects.get(slug="tpbis-2023")


def pdf_text(data: bytes) -> str:
    """The PDF's text with whitespace normalised: extraction breaks lines anywhere."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def _jpeg(colour: str = "red") -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), colour).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name="photo.jpg")


# --- The demo report states every reference fact ---------------------------------------------


def test_demo_closing_report_states_every_reference_fact(
    demo, admin, django_capture_on_commit_callbacks
):
    """Generated as an admin does it: the page's button, the job, the download."""
    client = client_for(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:closing_report", args=[demo.slug]),
            {"generate": "1", "language": "en"},
        )
    assert response.status_code == 302
    job = GenerationJob.objects.get(programme=demo, kind=GenerationJob.Kind.CLOSING_REPORT)
    assert (job.status, job.total, job.done, job.started_by) == ("done", 1, 1, admin)

    download = client.get(reverse("reports:job_combined", args=[job.pk]))
    assert download.status_code == 200
    text = pdf_text(b"".join(download.streaming_content))
    missing = [fact for fact in REFERENCE_FACTS if fact not in text]
    assert missing == []
    # The attendance of the demo (three absences in 14 items × 18 people) and its site visits.
    assert "Overall attendance: 99 %" in text
    assert "Perpustakaan Kota Bogor" in text


def test_demo_closing_report_in_indonesian_keeps_the_facts(demo):
    text = pdf_text(render_closing_report(demo, language="id"))
    for fact in (
        "Program Berbagi Pengetahuan tentang Transformasi Perpustakaan Berbasis Inklusi Sosial",
        "Knowledge Sharing Programme on Social Inclusion-Based Library Transformation",
        "Selama lima hari penuh",
        "Perpustakaan Mutiara Rawa Binong",
        "Ofy Sofiana",
        "KSST",
        "Wara Merdeka",
        "Asia/Jakarta (WIB, UTC+7)",
    ):
        assert fact in text


@pytest.mark.parametrize("language", ["en", "id"])
def test_demo_cover_holds_the_whole_summary_in_either_language(demo, language):
    """Indonesian labels are longer: the summary must still end on the cover, not on a page
    of its own before the participants."""
    pages = PdfReader(io.BytesIO(render_closing_report(demo, language=language))).pages
    cover, second = (" ".join(page.extract_text().split()) for page in pages[:2])
    assert "Selama lima hari penuh" in cover
    assert "melalui kunjungan dan eksplorasi" in cover
    assert "Selama lima hari penuh" not in second


# --- Figures, agenda, evaluation, photos -----------------------------------------------------


def test_participant_figures_count_active_people_by_country_gender_and_region(programme):
    for code, gender in [("LA", "male"), ("LA", "female"), ("NP", "female")]:
        ParticipantFactory(programme=programme, country=member_country(code), gender=gender)
    ParticipantFactory(
        programme=programme, country=member_country("MM"), status=Participant.Status.WITHDRAWN
    )
    ParticipantFactory(
        programme=programme,
        category=Participant.Category.DOMESTIC,
        country=member_country("ID"),
        region="Kota Surabaya",
        gender="male",
    )
    figures = closing_report_context(programme, language="en")["figures"]

    assert (figures.total, figures.international, figures.domestic) == (4, 3, 1)
    assert [(row.label, row.count, row.percent) for row in figures.countries] == [
        ("Laos", 2, 67),
        ("Nepal", 1, 33),
    ]
    assert [(row.label, row.count) for row in figures.genders] == [("Female", 2), ("Male", 2)]
    assert [(row.label, row.count, row.detail) for row in figures.regions] == [
        ("Not recorded", 1, "Kota Surabaya")
    ]
    assert figures.charts["countries"].count("<rect") == 2


def test_closing_report_of_a_programme_hosted_in_sri_lanka_counts_the_host(db):
    programme = ColomboProgrammeFactory()
    for code in ("IN", "MV", "BT", "NP", "PK", "IN"):
        ParticipantFactory(programme=programme, country=member_country(code))
    ParticipantFactory(
        programme=programme, country=member_country("MM"), status=Participant.Status.WITHDRAWN
    )
    domestic = {"programme": programme, "category": Participant.Category.DOMESTIC}
    ParticipantFactory(**domestic, country=None, subdivision="LK-1", region="Gampaha")
    ParticipantFactory(**domestic, country=None, subdivision="LK-2", region="Kandy")
    ParticipantFactory(**domestic, country=None, subdivision="LK-2", region="")

    text = pdf_text(render_closing_report(programme, language="en"))

    assert "6 international participants from 5 member countries: " in text
    assert "3 domestic participants representing regions of Sri Lanka." in text
    assert "6 countries represented: the host, Sri Lanka, and 5 other countries." in text
    assert "Domestic representatives by region of Sri Lanka" in text
    assert "Central Province Kandy 2 67 Western Province Gampaha 1 33" in text
    # In the annex, a representative of a province with no locality is named by the province.
    assert " — Central Province — National Library" in text
    # The withdrawn delegate from Myanmar is listed apart, not counted.
    counted, apart = text.split("Annex")[0].split("Withdrawn and declined")
    assert "Myanmar" not in counted
    assert "Myanmar Withdrawn" in apart
    assert "Indonesia" not in text


def test_agenda_as_held_shows_attendance_rate_per_item(programme):
    people = ParticipantFactory.create_batch(4, programme=programme)
    lecture = SessionFactory(programme=programme, title_en="Inclusive libraries lecture")
    for person, attended in zip(people, [True, True, True, False], strict=True):
        AssignmentFactory(session=lecture, participant=person, attended=attended)
    SessionFactory(
        programme=programme,
        title_en="Cancelled tour",
        starts_at=lecture.ends_at,
        ends_at=lecture.ends_at + timedelta(hours=1),
        cancelled_at=lecture.ends_at,
    )

    text = pdf_text(render_closing_report(programme, language="en"))

    assert "09:00–10:00 Inclusive libraries lecture" in text
    assert "75 % 3/4" in text
    assert "1 agenda item held, 1 cancelled." in text
    assert "10:00–11:00 Cancelled tour CANCELLED Lecture —" in text


def test_withdrawals_are_shown_apart_and_attendance_counts_only_active_bookings(programme):
    """Every active booking attended is 100 %, whatever the withdrawn left behind."""
    laos, nepal = member_country("LA"), member_country("NP")
    staying = [
        ParticipantFactory(programme=programme, full_name="Somphone", country=laos),
        ParticipantFactory(programme=programme, full_name="Sita Sharma", country=nepal),
    ]
    leaving = ParticipantFactory(programme=programme, full_name="Nguyen Van An", country=laos)
    # Withdrawn before effective dates existed: the later booking stayed, marked absent.
    earlier = ParticipantFactory(
        programme=programme, full_name="Ram Thapa", country=nepal, status="withdrawn"
    )
    first, third = programme.start_date, programme.start_date + timedelta(days=2)
    opening = SessionFactory(programme=programme, title_en="Opening")
    visit = SessionFactory(
        programme=programme,
        title_en="Visit",
        starts_at=programme.local_datetime(third, 9),
        ends_at=programme.local_datetime(third, 12),
    )
    for person in [*staying, leaving]:
        AssignmentFactory(session=opening, participant=person, attended=True)
        AssignmentFactory(session=visit, participant=person)
    AssignmentFactory(session=opening, participant=earlier, attended=True)
    AssignmentFactory(session=visit, participant=earlier, attended=False)
    Participant.objects.filter(pk=earlier.pk).update(
        inactive_from=programme.local_datetime(first + timedelta(days=1), 0)
    )
    change_status(
        participant=leaving,
        to_status="withdrawn",
        by=None,
        effective_on=third,
        reason="Called home for a family emergency",
    )
    Assignment.objects.filter(session=visit).update(attended=True)

    text = pdf_text(render_closing_report(programme, language="en"))

    assert "2 participants in all." in text
    assert "Overall attendance: 100 % of recorded bookings." in text
    assert (
        "Withdrawn and declined 2 people withdrew or declined and are not counted above; their "
        "bookings from that day on are left out of the attendance."
    ) in text
    assert "Ram Thapa Nepal Withdrawn — —" in text
    assert (
        "Nguyen Van An Laos Withdrawn 15 November 2023 Called home for a family emergency"
    ) in text
    assert "Annex: list of participants" in text
    assert "Nguyen Van An" not in text.split("Annex: list of participants")[-1]


def test_site_visits_list_site_district_city_and_date(programme):
    site = SiteFactory(name="Perpustakaan Desa Sukamaju", district="Cibinong", city="Bogor")
    SessionFactory(
        programme=programme,
        kind=Session.Kind.SITE_VISIT,
        title_en="Village library visit",
        site=site,
        starts_at=programme.local_datetime(programme.start_date + timedelta(days=3), 8, 30),
        ends_at=programme.local_datetime(programme.start_date + timedelta(days=3), 12),
    )
    text = pdf_text(render_closing_report(programme, language="en"))
    assert "Thursday, 16 November 2023 08:30–12:00 Perpustakaan Desa Sukamaju" in text
    assert "Cibinong, Bogor" in text


def test_evaluation_without_answers_says_so(programme):
    EvaluationQuestionFactory(programme=programme, text_en="How useful was it?")
    text = pdf_text(render_closing_report(programme, language="en"))
    assert "No responses yet." in text


def test_evaluation_results_show_averages_and_distributions(programme):
    rating = EvaluationQuestionFactory(programme=programme, text_en="How useful was it?")
    choice = EvaluationQuestionFactory(
        programme=programme,
        text_en="Best visit?",
        kind=EvaluationQuestion.Kind.CHOICE,
        choices="Bogor\nRawa Binong",
        position=1,
    )
    for value, pick in [(5, "Rawa Binong"), (4, "Rawa Binong"), (4, "Bogor")]:
        response = EvaluationResponseFactory(
            participant=ParticipantFactory(
                programme=programme, user=UserFactory(), status=Participant.Status.COMPLETED
            )
        )
        EvaluationAnswerFactory(response=response, question=rating, rating=value)
        EvaluationAnswerFactory(response=response, question=choice, text=pick)

    context = closing_report_context(programme, language="en")
    text = pdf_text(render_closing_report(programme, language="en"))

    assert "3 responses from 3 participants asked (100 %)." in text
    assert "3 answers · average rating 4.3 of 5" in text
    charts = [section["chart"] for section in context["evaluation_sections"]]
    assert all(chart.count("<rect") for chart in charts)
    assert ">Rawa Binong</tspan>" in charts[1]


def test_only_photos_with_consent_are_printed_with_their_credits(programme):
    session = SessionFactory(programme=programme, title_en="Opening")
    SessionPhotoFactory(
        session=session,
        image=_jpeg("red"),
        caption="Delegates at the opening",
        photographer="Prakas Agrestian",
        consent_to_publish=True,
    )
    SessionPhotoFactory(
        session=session, image=_jpeg("blue"), caption="Private moment", consent_to_publish=False
    )

    data = render_closing_report(programme, language="en")
    text = pdf_text(data)

    assert "Delegates at the opening" in text
    assert "Photo: Prakas Agrestian" in text
    assert "Private moment" not in text
    # Pages share the document's image resources: count distinct images.
    images = {image.data for page in PdfReader(io.BytesIO(data)).pages for image in page.images}
    assert len(images) == 1


def test_markup_from_participants_and_organisers_prints_literally(programme):
    ParticipantFactory(
        programme=programme,
        full_name='<img src="file:///etc/passwd">',
        institution='<link rel="attachment" href="file:///etc/passwd">',
    )
    report = ClosingReportFactory(programme=programme, reporter="<b>Wara</b>")
    QuoteFactory(report=report, speaker="<script>x</script>", text="“<i>quoted</i>”")

    data = render_closing_report(programme, language="en")
    text = pdf_text(data)

    assert '<img src="file:///etc/passwd">' in text
    assert "<b>Wara</b>" in text
    assert "<script>x</script>" in text
    assert "root:x:0:0" not in text
    assert not PdfReader(io.BytesIO(data)).attachments


def _delegates(programme, count: int, *, countries, **fields) -> list[Participant]:
    """`count` international delegates named "Delegate 001"… from `countries` in turn."""
    return Participant.objects.bulk_create(
        [
            ParticipantFactory.build(
                programme=programme,
                category=Participant.Category.INTERNATIONAL,
                full_name=f"Delegate {number:03d}",
                country=countries[number % len(countries)],
                email=f"delegate{number}@example.org",
                badge_code=f"badge-{number}",
                **fields,
            )
            for number in range(1, count + 1)
        ]
    )


def test_annex_lists_every_participant_on_a_line_of_their_own_in_list_order(programme):
    """Participants share paragraphs in the annex; each still starts a numbered line."""
    laos = member_country("LA")
    _delegates(programme, 120, countries=[laos], institution="National Library of Laos")
    long_institution = "Department of Libraries, Archives and Documentation " * 3
    ParticipantFactory(
        programme=programme,
        full_name="Delegate 121",
        country=laos,
        institution=long_institution.strip(),
    )

    data = render_closing_report(programme, language="en")
    lines = [
        line.strip()
        for page in PdfReader(io.BytesIO(data)).pages
        for line in page.extract_text().splitlines()
    ]

    expected = [
        f"{number}. Delegate {number:03d} — Laos — National Library of Laos"
        for number in range(1, 121)
    ]
    assert [line for line in lines if line in expected] == expected
    # Too long for one line, it wraps, and is stated whole.
    assert f"121. Delegate 121 — Laos — {long_institution.strip()}" in pdf_text(data)


def test_annex_line_keeps_a_participant_on_one_line_whatever_they_typed(programme):
    ParticipantFactory(
        programme=programme,
        full_name="Siti\nRahmawati",
        country=member_country("MY"),
        institution="  Perpustakaan\n\nNegara   Malaysia ",
    )
    rows = closing_report_context(programme, language="en")["annex_rows"]
    assert rows == ["1. Siti Rahmawati — Malaysia — Perpustakaan Negara Malaysia"]


def test_chart_labels_are_escaped():
    svg = bar_chart_svg([("<b>Bali</b>", 3), ("Jawa & Bali", 1)], title='"Regions"')
    assert "<b>" not in svg
    assert "&lt;b&gt;Bali&lt;/b&gt;" in svg
    assert "Jawa &amp; Bali" in svg
    assert 'aria-label="&quot;Regions&quot;"' in svg


@pytest.mark.parametrize(
    ("zone", "label"),
    [
        ("Asia/Jakarta", "Asia/Jakarta (WIB, UTC+7)"),
        ("Asia/Kathmandu", "Asia/Kathmandu (UTC+5:45)"),
        ("America/St_Johns", "America/St_Johns (NST, UTC-3:30)"),
        ("UTC", "UTC (UTC+0)"),
    ],
)
def test_time_zone_label_names_abbreviation_and_offset(db, zone, label):
    assert time_zone_label(ProgrammeFactory(time_zone=zone)) == label


@pytest.mark.parametrize("size", [10, 500])
def test_report_context_runs_a_fixed_number_of_queries(
    programme, size, django_assert_max_num_queries
):
    countries = [member_country(code) for code in ("LA", "MY", "NP", "LK", "MM", "VN")]
    people = _delegates(programme, size, countries=countries, gender="female")
    sessions = [
        SessionFactory(programme=programme, speakers="Speaker", title_en=f"Item {n}")
        for n in range(3)
    ]
    Assignment.objects.bulk_create(
        [
            AssignmentFactory.build(session=s, participant=p, attended=True)
            for s in sessions
            for p in people
        ]
    )
    report = ClosingReportFactory(programme=programme, reporter="Wara Merdeka")
    QuoteFactory(report=report, speaker="Ofy Sofiana", text="Teks")
    # Queries: the report; the quotes; participants by category, gender, country and region;
    # the agenda with sites; its speakers; attendance per item; the evaluation's questions,
    # responses, eligible count, counted answers and texts; the photos; the annex rows; the
    # withdrawn and declined; the action plans shared and their milestones.
    with django_assert_max_num_queries(17):
        context = closing_report_context(programme, language="en")
    assert len(context["annex_rows"]) == size


# --- The organisers' page --------------------------------------------------------------------


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_closing_report_page_offers_generating_to_admins_only(cast, programme, role):
    response = client_for(cast[role]).get(reverse("reports:closing_report", args=[programme.slug]))
    assert response.context["can_generate"] == (role == "admin")
    assert ("Generate the closing report" in response.content.decode()) == (role == "admin")


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_saving_the_report_saves_texts_and_quotes(cast, programme, role):
    response = client_for(cast[role]).post(
        reverse("reports:closing_report", args=[programme.slug]), _form_data()
    )
    saved = ClosingReport.objects.get(programme=programme)
    assert response["Location"] == reverse("reports:closing_report", args=[programme.slug])
    assert (saved.summary_local, saved.reporter) == ("Lima hari kunjungan.", "Wara Merdeka")
    assert list(saved.quotes.values_list("speaker", "translation")) == [
        ("Ofy Sofiana", "This is real proof.")
    ]


def _form_data(**quote) -> dict:
    return {
        "summary_en": "Five days of visits.",
        "summary_local": "Lima hari kunjungan.",
        "outcomes_en": "",
        "outcomes_local": "",
        "reporter": "Wara Merdeka",
        "photographer": "Prakas Agrestian",
        "quotes-TOTAL_FORMS": "1",
        "quotes-INITIAL_FORMS": "0",
        "quotes-MIN_NUM_FORMS": "0",
        "quotes-MAX_NUM_FORMS": "1000",
        "quotes-0-speaker": "Ofy Sofiana",
        "quotes-0-role": "Sekretaris Utama",
        "quotes-0-text": "Ini bukti nyata.",
        "quotes-0-translation": "This is real proof.",
        "quotes-0-position": "0",
        **{f"quotes-0-{key}": value for key, value in quote.items()},
    }


def test_saving_over_a_report_created_meanwhile_writes_into_it(programme):
    # Another organiser saved the first report while this page was open on an unsaved one.
    theirs = ClosingReport.objects.create(programme=programme, reporter="First Reporter")
    Quote.objects.create(report=theirs, speaker="Kept Speaker", text="Kept.", position=0)
    stale = ClosingReport(programme=programme)
    form = ClosingReportForm(_form_data(), instance=stale)
    quotes = QuoteFormSet(_form_data(position="1"), instance=stale, prefix="quotes")
    assert form.is_valid() and quotes.is_valid()

    save_closing_report(programme=programme, form=form, quotes=quotes)

    report = ClosingReport.objects.get(programme=programme)
    assert (report.pk, report.reporter) == (theirs.pk, "Wara Merdeka")
    assert list(report.quotes.values_list("speaker", flat=True)) == [
        "Kept Speaker",
        "Ofy Sofiana",
    ]


def test_quote_without_text_is_a_field_error_and_saves_nothing(cast, programme):
    response = client_for(cast["organiser"]).post(
        reverse("reports:closing_report", args=[programme.slug]), _form_data(text="")
    )
    assert response.status_code == 200
    assert response.context["quotes"].forms[0].errors == {"text": ["This field is required."]}
    assert ClosingReport.objects.filter(programme=programme).count() == 0


def test_editing_and_reordering_quotes(cast, programme):
    report = ClosingReportFactory(programme=programme)
    first = QuoteFactory(report=report, speaker="First", text="Satu", position=0)
    second = QuoteFactory(report=report, speaker="Second", text="Dua", position=1)
    data = {
        **_form_data(),
        "quotes-TOTAL_FORMS": "3",
        "quotes-INITIAL_FORMS": "2",
        "quotes-0-id": str(first.pk),
        "quotes-0-speaker": "First",
        "quotes-0-text": "Satu",
        "quotes-0-position": "5",
        "quotes-1-id": str(second.pk),
        "quotes-1-speaker": "Second",
        "quotes-1-text": "Dua, diubah",
        "quotes-1-position": "1",
        "quotes-2-position": "2",
    }
    response = client_for(cast["organiser"]).post(
        reverse("reports:closing_report", args=[programme.slug]), data
    )
    assert response.status_code == 302
    assert list(report.quotes.order_by("position").values_list("speaker", "text")) == [
        ("Second", "Dua, diubah"),
        ("First", "Satu"),
    ]


def test_new_quote_form_is_offered_after_the_last_position(cast, programme):
    report = ClosingReportFactory(programme=programme)
    QuoteFactory(report=report, speaker="First", text="Satu", position=4)
    response = client_for(cast["organiser"]).get(
        reverse("reports:closing_report", args=[programme.slug])
    )
    forms = response.context["quotes"].forms
    assert [form.initial.get("position") for form in forms] == [4, 5]


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_generating_by_admins_only(cast, programme, role, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast[role]).post(
            reverse("reports:closing_report", args=[programme.slug]),
            {"generate": "1", "language": "id"},
        )
    assert response.status_code == {"organiser": 403, "admin": 302}[role]
    jobs = list(GenerationJob.objects.filter(programme=programme).values_list("kind", "language"))
    assert jobs == ([("closing_report", "id")] if role == "admin" else [])


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_quote_delete_deletes_it(cast, programme, role):
    quote = QuoteFactory(report__programme=programme, speaker="Ofy Sofiana", text="Teks")
    response = client_for(cast[role]).post(
        reverse("reports:quote_delete", args=[programme.slug, quote.pk]), {"confirmed": "1"}
    )
    assert response["Location"] == reverse("reports:closing_report", args=[programme.slug])
    assert not Quote.objects.filter(pk=quote.pk).exists()


def test_quote_of_another_programme_cannot_be_deleted(cast, programme):
    other = ClosingReportFactory(programme=ProgrammeFactory())
    quote = QuoteFactory(report=other, speaker="Someone", text="Teks")
    response = client_for(cast["organiser"]).post(
        reverse("reports:quote_delete", args=[programme.slug, quote.pk])
    )
    assert response.status_code == 404
    assert Quote.objects.filter(pk=quote.pk).exists()


def test_quote_delete_refuses_get(cast, programme):
    report = ClosingReportFactory(programme=programme)
    quote = QuoteFactory(report=report, speaker="Ofy Sofiana", text="Teks")
    response = client_for(cast["organiser"]).get(
        reverse("reports:quote_delete", args=[programme.slug, quote.pk])
    )
    assert response.status_code == 405
    assert Quote.objects.filter(pk=quote.pk).exists()


def test_report_times_are_in_the_programme_time_zone(db):
    programme = ProgrammeFactory(time_zone="Asia/Kathmandu")
    SessionFactory(
        programme=programme,
        title_en="Morning lecture",
        starts_at=programme.local_datetime(programme.start_date, 9),
        ends_at=programme.local_datetime(programme.start_date, 10, 30),
    )
    assert programme.tzinfo == ZoneInfo("Asia/Kathmandu")
    text = pdf_text(render_closing_report(programme, language="en"))
    assert "09:00–10:30 Morning lecture" in text


def test_photo_showing_someone_who_refused_photos_is_left_out(programme):
    session = SessionFactory(programme=programme, title_en="Opening")
    agreed = ParticipantFactory(programme=programme, photo_consent=True)
    refused = ParticipantFactory(programme=programme, photo_consent=False)
    kept = SessionPhotoFactory(
        session=session, image=_jpeg("red"), caption="Agreed smiles", consent_to_publish=True
    )
    kept.people.set([agreed])
    left_out = SessionPhotoFactory(
        session=session, image=_jpeg("blue"), caption="Group picture", consent_to_publish=True
    )
    left_out.people.set([agreed, refused])

    context = closing_report_context(programme, language="en")
    assert [photo.caption for photo in context["photos"]] == ["Agreed smiles"]
    text = pdf_text(render_closing_report(programme, language="en"))
    assert "Agreed smiles" in text
    assert "Group picture" not in text

    # Once they agree, the photo is printed.
    Participant.objects.filter(pk=refused.pk).update(photo_consent=True)
    context = closing_report_context(programme, language="en")
    assert [photo.caption for photo in context["photos"]] == ["Agreed smiles", "Group picture"]


# --- Labels, running headers, host name and the Indonesian edition ---------------------------


def test_long_chart_labels_wrap_onto_lines_instead_of_being_cut(programme):
    svg = bar_chart_svg([("Perpustakaan Kota Bogor dan Sekitarnya", 3), ("Bali", 1)], title="x")
    assert "…" not in svg
    assert ">Perpustakaan Kota</tspan>" in svg
    assert ">Bogor dan Sekitarnya</tspan>" in svg

    choice = EvaluationQuestionFactory(
        programme=programme,
        text_en="Best visit?",
        kind=EvaluationQuestion.Kind.CHOICE,
        choices="Perpustakaan Kota Bogor\nPerpustakaan Mutiara Rawa Binong",
    )
    response = EvaluationResponseFactory(
        participant=ParticipantFactory(
            programme=programme, user=UserFactory(), status=Participant.Status.COMPLETED
        )
    )
    EvaluationAnswerFactory(response=response, question=choice, text="Perpustakaan Kota Bogor")
    text = pdf_text(render_closing_report(programme, language="en"))
    assert "…" not in text
    assert "Perpustakaan Kota Bogor" in text
    assert "Perpustakaan Mutiara Rawa Binong" in text


def _header_and_body(page) -> tuple[str, str]:
    """The text in the page's top margin (the running header) and the rest, top to bottom."""
    top = float(page.mediabox.top)
    pieces: list[tuple[float, float, str]] = []

    def visit(text, cm, tm, _font, _size):
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        pieces.append((y, x, text))

    page.extract_text(visitor_text=visit)
    pieces.sort(key=lambda piece: (-round(piece[0]), piece[1]))
    header = " ".join(text for y, _x, text in pieces if y > top - 45)
    body = " ".join(text for y, _x, text in pieces if y <= top - 45)
    return " ".join(header.split()), " ".join(body.split())


def test_running_header_names_the_section_each_page_starts_in(demo):
    """A page that starts in the evaluation and goes on into the documentation is headed
    "Evaluation", not by the section that starts further down."""
    question = EvaluationQuestionFactory(
        programme=demo, text_en="What will you take home?", kind=EvaluationQuestion.Kind.TEXT
    )
    for number, participant in enumerate(demo.participants.all()[:15]):
        response = EvaluationResponseFactory(participant=participant)
        EvaluationAnswerFactory(
            response=response, question=question, text=f"Answer {number}: " + "Useful. " * 60
        )
    headings = [
        "Programme summary",
        "Participants",
        "Agenda as held",
        "Site visits",
        "Closing remarks",
        "Sustainable Development Goals",
        "Action plans",
        "Evaluation",
        "Documentation",
        "Annex: list of participants",
    ]
    pages = PdfReader(io.BytesIO(render_closing_report(demo, language="en"))).pages
    current = ""
    evaluation_then_documentation = False
    for page in pages[1:]:
        header, body = _header_and_body(page)
        starts_with = next((h for h in headings if body.startswith(h)), None)
        expected = starts_with or current
        assert header.endswith(expected), (header, expected)
        if expected == "Evaluation" and "Documentation Dokumentasi" in body:
            evaluation_then_documentation = True
        on_page = [h for h in headings if f"{h} " in body or body.startswith(h)]
        if on_page:
            current = max(on_page, key=lambda h: body.rfind(h))
    # The evaluation runs over onto a page that the documentation starts on.
    assert evaluation_then_documentation


def test_host_name_never_gets_two_pairs_of_parentheses(demo):
    assert demo.host_name == (
        "National Library of the Republic of Indonesia (Perpustakaan Nasional RI, Perpusnas)"
    )
    demo.host_institution = "National Library (Perpusnas)"
    assert demo.host_name == "National Library (Perpusnas)"
    demo.host_institution = "National Library"
    assert demo.host_name == "National Library (Perpusnas)"
    demo.host_short_name = ""
    assert demo.host_name == "National Library"

    demo.refresh_from_db()
    text = pdf_text(render_closing_report(demo, language="en"))
    assert ") (" not in text
    assert "(Perpustakaan Nasional RI, Perpusnas)" in text


def _cover(programme, language: str) -> str:
    pages = PdfReader(io.BytesIO(render_closing_report(programme, language=language))).pages
    return " ".join(pages[0].extract_text().split())


def test_indonesian_edition_prints_the_indonesian_texts_first(demo):
    cover = _cover(demo, "id")
    assert cover.index("Program Berbagi Pengetahuan") < cover.index("Knowledge Sharing Programme")
    assert cover.index("Selama lima hari penuh") < cover.index("Over five full days")
    assert cover.index("Transformasi Perpustakaan Berbasis Inklusi Sosial (TPBIS)") < cover.index(
        "Social Inclusion-Based Library Transformation (TPBIS)"
    )
    english = _cover(demo, "en")
    assert english.index("Knowledge Sharing Programme") < english.index("Program Berbagi")
    assert english.index("Over five full days") < english.index("Selama lima hari penuh")


def test_urdu_names_in_the_annex_are_set_in_noto_naskh_arabic(programme):
    ParticipantFactory(programme=programme, full_name=URDU_NAME, full_name_latin="Ayesha Siddiqui")
    data = render_closing_report(programme, language="en")
    assert "Ayesha Siddiqui" in pdf_text(data)
    assert_set_in_naskh(data)


# --- Outcomes: SDG targets and action plans --------------------------------------------------


def test_closing_report_lists_the_sdg_targets_under_their_goals(programme):
    programme.sdg_targets = ["4.6", "16.10"]
    programme.save()
    text = pdf_text(render_closing_report(programme, language="en"))
    assert "Sustainable Development Goals" in text
    assert "Goal 4: Quality education" in text
    assert "4.6 All youth and a substantial proportion of adults achieve literacy" in text
    assert "16.10 Ensure public access to information" in text
    assert "Goal 1:" not in text


def test_closing_report_without_sdg_targets_says_so(programme):
    text = pdf_text(render_closing_report(programme, language="en"))
    assert "No Sustainable Development Goal targets were chosen." in text


def test_closing_report_prints_only_plans_shared_by_participants_who_took_part(programme):
    def plan(name, goal, **fields):
        person = ParticipantFactory(
            programme=programme,
            full_name=name,
            status=fields.pop("status", Participant.Status.COMPLETED),
        )
        return ActionPlanFactory(participant=person, goal=goal, **fields)

    shared = plan("Ana Shared", "Open a reading corner in Hanoi")
    MilestoneFactory(plan=shared, title="Librarians trained", due_on="2024-02-15")
    plan("Ben Private", "Private goal", share_in_reports=False)
    plan("Cai Draft", "Draft goal", submitted_at=None)
    plan("Dewi Gone", "Withdrawn goal", status=Participant.Status.WITHDRAWN)
    plan("Eko Declined", "Declined goal", status=Participant.Status.DECLINED)

    text = pdf_text(render_closing_report(programme, language="en"))
    assert "1 participant agreed to share their action plan." in text
    assert "Goal: Open a reading corner in Hanoi" in text
    assert "15 February 2024: Librarians trained" in text
    for hidden in ("Private goal", "Draft goal", "Withdrawn goal", "Declined goal"):
        assert hidden not in text


def test_closing_report_without_shared_plans_says_so(programme):
    ActionPlanFactory(participant__programme=programme, share_in_reports=False)
    text = pdf_text(render_closing_report(programme, language="en"))
    assert "No participant has shared an action plan." in text
