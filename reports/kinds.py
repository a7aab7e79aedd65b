"""Every kind of generated file and the module that renders it."""

from .allowance_documents import ALLOWANCE_RECEIPT_JOB, PAYMENT_SHEET_JOB
from .badges import BADGES_JOB
from .certificates import CERTIFICATES_JOB
from .closing import CLOSING_REPORT_JOB
from .jobkind import JobKind
from .manifest import MANIFEST_JOB
from .models import GenerationJob
from .nominations import NOMINATION_LIST_JOB, SELECTION_RECORD_JOB
from .outcome import OUTCOME_REPORT_JOB
from .overview import PROGRAMME_OVERVIEW_JOB
from .rooming_list import ROOMING_LIST_JOB
from .transfer_manifest import TRANSFER_MANIFEST_JOB
from .visa import VISA_LETTERS_JOB

Kind = GenerationJob.Kind

KINDS: dict[str, JobKind] = {
    Kind.CERTIFICATES: CERTIFICATES_JOB,
    Kind.VISA_LETTERS: VISA_LETTERS_JOB,
    Kind.CLOSING_REPORT: CLOSING_REPORT_JOB,
    Kind.PROGRAMME_OVERVIEW: PROGRAMME_OVERVIEW_JOB,
    Kind.BADGES: BADGES_JOB,
    Kind.MANIFEST: MANIFEST_JOB,
    Kind.NOMINATION_LIST: NOMINATION_LIST_JOB,
    Kind.SELECTION_RECORD: SELECTION_RECORD_JOB,
    Kind.PAYMENT_SHEET: PAYMENT_SHEET_JOB,
    Kind.ALLOWANCE_RECEIPT: ALLOWANCE_RECEIPT_JOB,
    Kind.TRANSFER_MANIFEST: TRANSFER_MANIFEST_JOB,
    Kind.ROOMING_LIST: ROOMING_LIST_JOB,
    Kind.OUTCOME_REPORT: OUTCOME_REPORT_JOB,
}
