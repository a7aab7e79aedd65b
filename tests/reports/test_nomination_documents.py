"""The call's documents: the nomination list as XLSX and PDF, the selection decision record."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook

from participants.models import Nomination
from reports.models import GenerationJob
from tests.conftest import client_for
from tests.factories import (
    DelegationFactory,
    FocalPointFactory,
    NominationAnswerFactory,
    NominationCallFactory,
    NominationFactory,
    NominationQuestionFactory,
    UserFactory,
    member_country,
)

from .test_closing_report import pdf_text

JAKARTA = ZoneInfo("Asia/Jakarta")
Status = Nomination.Status


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class Call:
    """A call with decisions: Sri Lanka (the focal point's, 1 seat + 1 reserve) and Thailand."""

    def __init__(self, programme, cast):
        organiser = cast["organiser"]
        self.call = NominationCallFactory(
            programme=programme,
            deadline=datetime(2023, 8, 1, 17, 0, tzinfo=JAKARTA),
            eligibility_en="Librarians working on social inclusion.",
        )
        self.sri_lanka = DelegationFactory(
            programme=programme, country=member_country("LK"), seats=1, reserves=1
        )
        FocalPointFactory(delegation=self.sri_lanka, user=cast["focal_point"])
        self.thailand = DelegationFactory(
            programme=programme, country=member_country("TH"), seats=2, reserves=0
        )
        self.project = NominationQuestionFactory(
            call=self.call, text_en="Which project would you share?", position=1
        )
        self.english = NominationQuestionFactory(
            call=self.call, text_en="Your English, from 1 to 5", kind="rating", position=2
        )
        decided_at = datetime(2023, 9, 5, 10, 30, tzinfo=JAKARTA)
        self.nimal = NominationFactory(
            call=self.call,
            delegation=self.sri_lanka,
            full_name="Nimal Perera",
            email="nimal@example.lk",
            gender="male",
            position="Chief Librarian",
            institution="Colombo Public Library",
            institution_type="public_library",
            cv="nominations/1/cv.pdf",
            nomination_letter="nominations/1/letter.pdf",
            status=Status.SELECTED,
            decision_note="Strong outreach record",
            decided_by=organiser,
            decided_at=decided_at,
        )
        NominationAnswerFactory(nomination=self.nimal, question=self.project, text="Reading huts")
        NominationAnswerFactory(nomination=self.nimal, question=self.english, text="", rating=4)
        self.kumari = NominationFactory(
            call=self.call,
            delegation=self.sri_lanka,
            full_name="කුමාරි සිල්වා",
            full_name_latin="Kumari Silva",
            status=Status.RESERVE,
            reserve_rank=1,
            decision_note="Second in the ranking",
            decided_by=organiser,
            decided_at=decided_at,
        )
        self.formula = NominationFactory(
            call=self.call,
            delegation=self.thailand,
            full_name='=HYPERLINK("http://evil.example","Somchai")',
            gender="male",
            status=Status.NOT_SELECTED,
            decision_note="Outside the eligibility",
            decided_by=organiser,
            decided_at=decided_at,
        )
        self.malee = NominationFactory(
            call=self.call, delegation=self.thailand, full_name="Malee Suksawat"
        )
        self.withdrawn = NominationFactory(
            call=self.call,
            delegation=self.thailand,
            full_name="Anong Withdrawn",
            status=Status.WITHDRAWN,
        )


@pytest.fixture
def call(programme, cast):
    return Call(programme, cast)


def xlsx_rows(response) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    rows = [tuple("" if value is None else value for value in row) for row in sheet.values]
    return sheet.title, rows, sheet


def export(user, programme, query: str = ""):
    url = reverse("reports:nomination_list_xlsx", args=[programme.slug])
    return client_for(user).get(url + query)


# --- XLSX ------------------------------------------------------------------------------------


def test_xlsx_lists_every_delegation_for_organisers(cast, programme, call):
    response = export(cast["organiser"], programme)

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="{programme.slug}-nominations-'
    )
    assert response["Cache-Control"] == "private, no-store"
    title, rows, sheet = xlsx_rows(response)
    assert title == "Nominations"
    assert rows[0] == (
        "Delegation",
        "Name",
        "Name in Latin letters",
        "Gender",
        "Category",
        "Position",
        "Institution",
        "Institution type",
        "E-mail address",
        "Status",
        "Reserve rank",
        "Decision note",
        "Decided by",
        "Decided at",
        "Documents",
        "Which project would you share?",
        "Your English, from 1 to 5",
    )
    assert rows[1] == (
        "Sri Lanka",
        "Nimal Perera",
        "",
        "Male",
        "International delegate",
        "Chief Librarian",
        "Colombo Public Library",
        "Public library",
        "nimal@example.lk",
        "Selected",
        "",
        "Strong outreach record",
        str(cast["organiser"]),
        "2023-09-05 10:30",
        "CV, Nomination letter",
        "Reading huts",
        "4",
    )
    assert rows[2][:3] == ("Sri Lanka", "කුමාරි සිල්වා", "Kumari Silva")
    assert (rows[2][9], rows[2][10]) == ("Reserve", 1)
    assert [row[0] for row in rows[3:]] == ["Thailand"] * 3
    assert [row[9] for row in rows[3:]] == ["Not selected", "Nominated", "Withdrawn"]
    # The formula is kept as text: shown as written, never run.
    formula_cell = sheet.cell(row=4, column=2)
    assert formula_cell.value == '=HYPERLINK("http://evil.example","Somchai")'
    assert formula_cell.data_type == "s"


def test_xlsx_of_a_focal_point_has_their_delegation_only_without_decision_notes(
    cast, programme, call
):
    response = export(cast["focal_point"], programme)

    _title, rows, _sheet = xlsx_rows(response)
    assert "Decision note" not in rows[0] and "Decided by" not in rows[0]
    assert [row[1] for row in rows[1:]] == ["Nimal Perera", "කුමාරි සිල්වා"]
    text = " ".join(str(cell) for row in rows for cell in row)
    assert "Strong outreach record" not in text
    assert "Malee" not in text and "Thailand" not in text


def test_xlsx_of_one_delegation(cast, programme, call):
    response = export(cast["organiser"], programme, f"?delegation={call.thailand.pk}")

    _title, rows, _sheet = xlsx_rows(response)
    assert [row[1] for row in rows[1:]] == [
        '=HYPERLINK("http://evil.example","Somchai")',
        "Malee Suksawat",
        "Anong Withdrawn",
    ]
    assert f"-nominations-delegation-{call.thailand.pk}-" in response["Content-Disposition"]


@pytest.mark.parametrize("query", ["?delegation={thailand}", "?delegation=x", "?delegation=999999"])
def test_xlsx_of_another_delegation_is_not_found_for_a_focal_point(cast, programme, call, query):
    response = export(cast["focal_point"], programme, query.format(thailand=call.thailand.pk))
    assert response.status_code == 404


def test_xlsx_of_a_programme_without_a_call_is_not_found(cast, programme):
    assert export(cast["organiser"], programme).status_code == 404


@pytest.mark.parametrize("size", [10, 500])
def test_xlsx_queries_do_not_grow_with_nominations(
    cast, programme, size, django_assert_num_queries
):
    call = NominationCallFactory(programme=programme)
    question = NominationQuestionFactory(call=call)
    delegations = [DelegationFactory(programme=programme) for _ in range(5)]
    nominations = Nomination.objects.bulk_create(
        [
            NominationFactory.build(
                call=call,
                delegation=delegations[number % 5],
                decided_by=cast["organiser"],
                email=f"candidate{number}@example.org",
            )
            for number in range(size)
        ]
    )
    NominationAnswerFactory._meta.model.objects.bulk_create(
        [
            NominationAnswerFactory.build(nomination=nomination, question=question)
            for nomination in nominations
        ]
    )
    client = client_for(cast["organiser"])
    url = reverse("reports:nomination_list_xlsx", args=[programme.slug])
    # session, user, programme with its call, the membership (role), the delegations, the
    # call's questions, the nominations with their delegations and deciders, their answers
    # with their questions.
    with django_assert_num_queries(8):
        response = client.get(url)
    assert len(xlsx_rows(response)[1]) == size + 1


# --- PDFs ------------------------------------------------------------------------------------


def start(user, programme, view: str, data: dict, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client_for(user).post(reverse(view, args=[programme.slug]), data)


def download(user, job: GenerationJob):
    return client_for(user).get(reverse("reports:job_combined", args=[job.pk]))


def test_focal_point_gets_their_delegations_list_pdf(
    cast, programme, call, django_capture_on_commit_callbacks
):
    response = start(
        cast["focal_point"],
        programme,
        "reports:nomination_list_pdf",
        {"delegation": call.sri_lanka.pk, "language": "en"},
        django_capture_on_commit_callbacks,
    )

    documents = reverse("reports:nomination_documents", args=[programme.slug])
    assert response["Location"] == documents
    job = GenerationJob.objects.get()
    assert (job.kind, job.delegation, job.language, job.status, job.started_by) == (
        "nomination_list",
        call.sri_lanka,
        "en",
        "done",
        cast["focal_point"],
    )
    pdf = download(cast["focal_point"], job)
    assert pdf["Content-Disposition"] == (
        f'attachment; filename="{programme.slug}-nomination-list-delegation-'
        f'{call.sri_lanka.pk}-en.pdf"'
    )
    text = pdf_text(b"".join(pdf.streaming_content))
    assert "Nomination list: Sri Lanka" in text
    assert "Nimal Perera" in text and "Kumari Silva" in text
    assert "2 nominations · 1 seat and 1 in reserve" in text
    assert "Selected" in text and "Reserve 1" in text
    assert "Malee" not in text and "Thailand" not in text
    # The host's working notes stay with the host.
    assert "Strong outreach record" not in text
    # The progress page and the documents page are the focal point's too.
    status = client_for(cast["focal_point"]).get(reverse("reports:job_status", args=[job.pk]))
    assert status.status_code == 200
    page = client_for(cast["focal_point"]).get(documents).content.decode()
    assert reverse("reports:job_combined", args=[job.pk]) in page
    assert reverse("reports:selection_record_pdf", args=[programme.slug]) not in page


def test_another_delegations_focal_point_gets_404_for_the_list(
    cast, programme, call, django_capture_on_commit_callbacks
):
    start(
        cast["organiser"],
        programme,
        "reports:nomination_list_pdf",
        {"delegation": call.thailand.pk, "language": "en"},
        django_capture_on_commit_callbacks,
    )
    job = GenerationJob.objects.get()
    assert job.status == "done"
    for view in ("reports:job_combined", "reports:job_status"):
        response = client_for(cast["focal_point"]).get(reverse(view, args=[job.pk]))
        assert response.status_code == 404
    page = client_for(cast["focal_point"]).get(
        reverse("reports:nomination_documents", args=[programme.slug])
    )
    assert reverse("reports:job_combined", args=[job.pk]) not in page.content.decode()
    # Nor may a focal point retry a list, even their own delegation's.
    retry = client_for(cast["focal_point"]).post(reverse("reports:job_retry", args=[job.pk]))
    assert retry.status_code == 404


def test_focal_point_cannot_start_another_delegations_list(
    cast, programme, call, django_capture_on_commit_callbacks
):
    for data in ({"delegation": call.thailand.pk, "language": "en"}, {"language": "en"}):
        response = start(
            cast["focal_point"],
            programme,
            "reports:nomination_list_pdf",
            data,
            django_capture_on_commit_callbacks,
        )
        assert [str(message) for message in get_messages(response.wsgi_request)] == [
            "Choose one of your delegations and a language."
        ]
    assert not GenerationJob.objects.exists()


def test_focal_point_cannot_start_the_selection_record(
    cast, programme, call, django_capture_on_commit_callbacks
):
    response = start(
        cast["focal_point"],
        programme,
        "reports:selection_record_pdf",
        {"language": "en"},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 404
    assert not GenerationJob.objects.exists()


def test_whole_call_list_pdf_for_organisers(
    cast, programme, call, django_capture_on_commit_callbacks
):
    start(
        cast["organiser"],
        programme,
        "reports:nomination_list_pdf",
        {"delegation": "", "language": "en"},
        django_capture_on_commit_callbacks,
    )
    job = GenerationJob.objects.get()
    assert (job.delegation, job.status) == (None, "done")
    text = pdf_text(b"".join(download(cast["organiser"], job).streaming_content))
    assert "2 delegations · 5 nominations" in text
    assert text.index("Sri Lanka") < text.index("Nimal Perera") < text.index("Thailand")
    assert "Malee Suksawat" in text and "Anong Withdrawn" in text
    assert "2 nominations · 2 seats and 0 in reserve · 1 withdrawn" in text


def test_selection_record_holds_the_decisions_and_the_balance(
    cast, programme, call, django_capture_on_commit_callbacks
):
    # A name that fits its column on one line, so that the extracted text keeps the row whole.
    get_user_model().objects.filter(pk=cast["organiser"].pk).update(
        first_name="Ana", last_name="Lim"
    )
    cast["organiser"].refresh_from_db()
    start(
        cast["organiser"],
        programme,
        "reports:selection_record_pdf",
        {"language": "en"},
        django_capture_on_commit_callbacks,
    )
    job = GenerationJob.objects.get()
    assert (job.kind, job.status) == ("selection_record", "done")
    text = pdf_text(b"".join(download(cast["admin"], job).streaming_content))
    assert "Selection decision record" in text
    assert "Deadline 1 August 2023, 17:00 (Asia/Jakarta)" in text
    assert "Librarians working on social inclusion." in text
    assert "Required documents CV, Nomination letter" in text
    # Nominated (not withdrawn) 4; 1 of 3 seats; 1 of 1 reserve; 1 not selected; 1 pending;
    # 1 withdrawn (each figure stands over its words, which extraction glues together).
    assert (
        "4candidates nominated 1 / 3seats filled 1 / 1reserves kept 1not selected "
        "1awaiting a decision 1withdrawn"
    ) in text
    # Seats, reserves, nominated, selected, reserve, not selected, withdrawn.
    assert "Sri Lanka 1 1 2 1 1 0 0" in text
    assert "Thailand 2 0 2 0 0 1 1" in text
    assert "Total 3 1 4 1 1 1 1" in text
    assert "Candidates selected from 1 of 2 delegations (2 nominated)." in text
    # The balance of the selection page: the selected, then the candidates still in the
    # running (withdrawn and not selected left out); no earlier programme, so both countries
    # are first-time.
    assert "By gender Selected Candidates Male 1 1 Female 0 2" in text
    assert "By category Selected Candidates International delegate 1 3" in text
    assert "First-time countries Selected Candidates Sri Lanka 1 2 Thailand 0 1" in text
    organiser = str(cast["organiser"])
    assert f"Strong outreach record {organiser} 5 Sep 2023, 10:30" in text
    assert "Reserve 1 Second in the ranking" in text
    assert "Outside the eligibility" in text
    assert "Approved by" in text and "Signature" in text


def test_selection_record_in_indonesian(cast, programme, call, django_capture_on_commit_callbacks):
    start(
        cast["organiser"],
        programme,
        "reports:selection_record_pdf",
        {"language": "id"},
        django_capture_on_commit_callbacks,
    )
    job = GenerationJob.objects.get()
    assert (job.language, job.status) == ("id", "done")
    text = pdf_text(b"".join(download(cast["organiser"], job).streaming_content))
    # Dates and the texts of the catalogue in Indonesian.
    assert "1 Agustus 2023, 17:00 (Asia/Jakarta)" in text
    assert "Nimal Perera" in text and "Strong outreach record" in text
    assert "Nama " in text and "Tanda tangan" in text and "Signature" not in text


def test_selection_record_of_a_programme_without_a_call_is_not_found(
    cast, programme, django_capture_on_commit_callbacks
):
    response = start(
        cast["organiser"],
        programme,
        "reports:selection_record_pdf",
        {"language": "en"},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 404


def test_a_second_focal_point_of_the_delegation_follows_the_same_list(
    cast, programme, call, django_capture_on_commit_callbacks
):
    colleague = FocalPointFactory(delegation=call.sri_lanka, user=UserFactory()).user
    start(
        cast["focal_point"],
        programme,
        "reports:nomination_list_pdf",
        {"delegation": call.sri_lanka.pk, "language": "en"},
        django_capture_on_commit_callbacks,
    )
    job = GenerationJob.objects.get()
    assert download(colleague, job).status_code == 200


def test_documents_include_offers_organisers_every_document(cast, programme, call):
    page = client_for(cast["organiser"]).get(
        reverse("reports:nomination_documents", args=[programme.slug])
    )
    html = page.content.decode()
    assert reverse("reports:nomination_list_xlsx", args=[programme.slug]) in html
    assert reverse("reports:nomination_list_pdf", args=[programme.slug]) in html
    assert reverse("reports:selection_record_pdf", args=[programme.slug]) in html
    assert '<option value="">All delegations</option>' in html
    assert f'<option value="{call.thailand.pk}">Thailand</option>' in html
    assert "No documents generated yet." in html
