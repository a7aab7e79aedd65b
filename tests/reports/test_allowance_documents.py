"""The payment sheet and the receipts, through the one pipeline; the closing report's annex."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from participants.allowances import mark_paid, save_meal_provision, save_rate
from reports.closing import render_closing_report
from reports.jobs import start_job
from reports.models import ClosingReport, GenerationJob
from tests.factories import ParticipantFactory, UserFactory

from .test_documents import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def paid_programme(programme):
    save_rate(
        programme=programme,
        category="international",
        currency="IDR",
        amount=Decimal("500000"),
        basis="day",
    )
    save_meal_provision(programme=programme, day=programme.start_date, percent=30)
    start = programme.local_datetime(programme.start_date, 10)
    lan = ParticipantFactory(
        programme=programme,
        full_name="Nguyen Thi Lan",
        arrival_at=start,
        departure_at=start + timedelta(days=2),
    )
    ParticipantFactory(
        programme=programme,
        full_name='=HYPERLINK("x")',
        arrival_at=start,
        departure_at=start + timedelta(days=1),
    )
    mark_paid(participant=lan, method="cash", reference="R-1", by=UserFactory())
    return programme, lan


def _read(field) -> bytes:
    with field.open("rb") as stored:
        return stored.read()


def test_the_payment_sheet_lists_every_row_with_totals_and_a_signature_column(
    paid_programme, django_capture_on_commit_callbacks
):
    programme, _lan = paid_programme

    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(
            programme=programme, kind=GenerationJob.Kind.PAYMENT_SHEET, language="en", by=None
        )

    job.refresh_from_db()
    assert job.status == "done" and job.spreadsheet.name.endswith(".xlsx")
    assert not job.archive and not job.combined
    sheet = load_workbook(io.BytesIO(_read(job.spreadsheet))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][-1] == "Signature"
    names = [row[1] for row in rows[1:3]]
    # Formula-like names stay text, never a formula.
    assert '=HYPERLINK("x")' in names and "Nguyen Thi Lan" in names
    assert rows[-1][1] == "Total IDR" and Decimal(str(rows[-1][8])) == Decimal("2200000")


def test_receipts_one_per_participant_with_the_combined_pdf_and_zip(
    paid_programme, django_capture_on_commit_callbacks
):
    programme, lan = paid_programme
    kind = GenerationJob.Kind.ALLOWANCE_RECEIPT

    with django_capture_on_commit_callbacks(execute=True):
        batch = start_job(programme=programme, kind=kind, language="en", by=None)
    with django_capture_on_commit_callbacks(execute=True):
        single = start_job(programme=programme, kind=kind, language="en", by=None, participant=lan)

    batch.refresh_from_db()
    single.refresh_from_db()
    assert (batch.status, batch.total) == ("done", 2) and batch.archive and batch.combined
    text = pdf_text(_read(single.combined))
    assert "Receipt of daily allowance" in text
    assert "Nguyen Thi Lan" in text
    assert "3 days at IDR500,000.00" in text
    assert "less 30 %" in text
    assert "IDR1,350,000.00" in text
    assert "Received by (signature)" in text


def test_the_closing_report_has_the_allowance_annex_only_when_ticked(paid_programme):
    programme, _lan = paid_programme

    without = pdf_text(render_closing_report(programme, language="en"))
    ClosingReport.objects.update_or_create(
        programme=programme, defaults={"include_allowance_annex": True}
    )
    with_annex = pdf_text(render_closing_report(programme, language="en"))

    assert "Annex: daily allowances" not in without
    assert "Annex: daily allowances" in with_annex
    assert "IDR2,200,000.00" in with_annex
