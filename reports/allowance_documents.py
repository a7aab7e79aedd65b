"""Documents of the daily allowances: the payment sheet (XLSX, the whole programme) and the
receipt each participant signs (PDF, one or every one). The job kinds are `PAYMENT_SHEET_JOB`
and `ALLOWANCE_RECEIPT_JOB` below.

The sheet lists every active participant with a rate: what is due, whether it was paid (when,
by whom, how), and an empty column for the signature, with totals by currency beneath. A
receipt states the programme, the host, the participant, the days or nights counted, the rate,
each day's meal reduction and the amount in figures, with lines for both signatures. A
batch is one receipt per participant whose allowance counts at least one day.
"""

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from participants.allowances import (
    AllowanceRow,
    allowance_rows,
    participants_with_rates,
    totals_by_currency,
)
from participants.spreadsheets import xlsx_bytes
from programs.models import Programme
from programs.money import format_money

from .dates import date_range
from .jobkind import JobKind, Rendered, SubjectGone
from .models import GenerationJob
from .pdf import media_url, render_pdf

RECEIPT_TEMPLATE = "reports/pdf/allowance_receipt.html"


# --- The payment sheet -----------------------------------------------------------------------


def _basis_label(row: AllowanceRow) -> str:
    return _("nights") if row.allowance.is_per_night else _("days")


def payment_sheet_table(programme: Programme) -> tuple[list[str], list[list]]:
    """The sheet's header and rows: one per participant, then totals by currency.

    Amounts are numbers (the spreadsheet adds them up); names and references are text cells.
    """
    rows = allowance_rows(programme)
    header = [
        "#",
        _("Name"),
        _("Category"),
        _("Country or region"),
        _("Counted"),
        _("Days or nights"),
        _("Rate"),
        _("Meal reductions"),
        _("Amount"),
        _("Currency"),
        _("Paid on"),
        _("Paid by"),
        _("Method"),
        _("Reference"),
        _("Signature"),
    ]
    table: list[list] = []
    for number, row in enumerate(rows, start=1):
        person, payment = row.participant, row.payment
        paid_on = timezone.localtime(payment.paid_at) if payment and payment.paid_at else None
        table.append(
            [
                number,
                person.display_name,
                person.get_category_display(),
                person.origin,
                _basis_label(row),
                row.allowance.count,
                row.allowance.rate,
                row.allowance.reduction_total,
                row.allowance.amount,
                row.allowance.currency,
                paid_on.replace(tzinfo=None) if paid_on else "",
                (payment.paid_by.get_full_name() or payment.paid_by.email)
                if payment and payment.paid_by
                else "",
                payment.get_method_display() if payment else "",
                payment.reference if payment else "",
                "",
            ]
        )
    if table:
        table.append([""] * len(header))
    for total in totals_by_currency(rows):
        label = _("Total %(currency)s") % {"currency": total.currency}
        paid = _("paid: %(amount)s") % {"amount": format_money(total.paid, total.currency)}
        table.append(
            ["", label, "", "", "", total.count, "", "", total.due, total.currency, paid]
            + [""] * (len(header) - 11)
        )
    return header, table


def payment_sheet_xlsx(job: GenerationJob) -> bytes:
    header, rows = payment_sheet_table(job.programme)
    return xlsx_bytes(header, rows, title=str(_("Allowances")))


def no_items(job: GenerationJob) -> list[int]:
    return []


# A spreadsheet alone: no item to render, the sheet is written when the job finishes.
PAYMENT_SHEET_JOB = JobKind(items=no_items, archive=False, spreadsheet=payment_sheet_xlsx)


# --- Receipts --------------------------------------------------------------------------------


def receipt_context(programme: Programme, row: AllowanceRow) -> dict:
    """What a receipt prints; call it in the receipt's language and the programme's zone."""
    allowance = row.allowance
    return {
        "programme": programme,
        "participant": row.participant,
        "row": row,
        "allowance": allowance,
        "payment": row.payment,
        "dates": date_range(programme.start_date, programme.end_date),
        "counted_dates": (
            date_range(allowance.dates[0], allowance.dates[-1]) if allowance.dates else ""
        ),
        "rate_text": format_money(allowance.rate, allowance.currency),
        "gross_text": format_money(allowance.gross, allowance.currency),
        "reductions": [
            (reduction, format_money(reduction.amount, allowance.currency))
            for reduction in allowance.reductions
        ],
        "reduction_total_text": format_money(allowance.reduction_total, allowance.currency),
        "amount_text": format_money(allowance.amount, allowance.currency),
        "paid_amount_text": (
            format_money(row.payment.amount, row.payment.currency) if row.payment else ""
        ),
        "receipt_date": timezone.localdate(timezone=programme.tzinfo),
        "reference": receipt_reference(programme, row),
        "logo_url": media_url(programme.logo.name) if programme.logo else "",
    }


def receipt_reference(programme: Programme, row: AllowanceRow) -> str:
    """A stable reference for the receipt, e.g. PERPUSNAS/TPBIS-2023/DA/0012."""
    host = slugify(programme.host_short_name).upper() if programme.host_short_name else ""
    number = f"{row.participant.pk:04d}"
    return "/".join(part for part in (host, programme.slug.upper(), "DA", number) if part)


def receipt_file_name(row: AllowanceRow) -> str:
    person = row.participant
    readable = slugify(person.full_name_latin or person.full_name)
    return f"allowance-receipt-{person.pk}{'-' + readable if readable else ''}.pdf"


def render_receipt(programme: Programme, row: AllowanceRow) -> bytes:
    """The receipt as PDF bytes; call it in the receipt's language and the programme's zone."""
    media = {programme.logo.name} if programme.logo else set()
    return render_pdf(RECEIPT_TEMPLATE, receipt_context(programme, row), allowed_media=media)


def _receipt_items(job: GenerationJob) -> list[int]:
    """The job's one participant, or everyone with a rate and at least one day counted."""
    if job.participant_id:
        return [job.participant_id]
    return [row.participant.pk for row in allowance_rows(job.programme) if row.allowance.count]


def render_receipt_chunk(job: GenerationJob, participant_ids: list[int]) -> dict:
    """A chunk's receipts from one query of its participants (and one of the meal days)."""
    chunk = participants_with_rates(job.programme).filter(pk__in=participant_ids)
    rows = {row.participant.pk: row for row in allowance_rows(job.programme, chunk)}
    results: dict[int, Rendered | None] = {}
    for participant_id in participant_ids:
        row = rows.get(participant_id)
        if row is None or not row.allowance.count:
            if job.participant_id:
                raise SubjectGone(_("The participant no longer has an allowance to pay."))
            results[participant_id] = None
            continue
        results[participant_id] = Rendered(
            receipt_file_name(row), render_receipt(job.programme, row)
        )
    return results


ALLOWANCE_RECEIPT_JOB = JobKind(items=_receipt_items, render_chunk=render_receipt_chunk)
