"""The nomination list as a spreadsheet: one sheet, one row per nomination, by delegation.

One sheet with a delegation column rather than a sheet per delegation: an office sorts and
filters one table, and a delegation's focal point gets the same table with their rows only.
The file is written by `spreadsheets.xlsx_bytes`, which stores a name such as "=HYPERLINK(…)"
as text, never as a formula.

The decision's note and who made it are the host's working notes: only managers' files have
those columns (`internal`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from programs.models import Programme

from .nomination_models import Nomination, NominationAnswer, NominationCall, NominationQuestion
from .spreadsheets import DATETIME_FORMAT, xlsx_bytes

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def nominations_for_documents(nominations: QuerySet[Nomination]) -> QuerySet[Nomination]:
    """`nominations` with what the lists and documents show, in delegation order: a fixed
    number of queries whatever their number (the nominations, their answers)."""
    answers = NominationAnswer.objects.select_related("question")
    return nominations.select_related(
        "delegation__country", "delegation__province", "decided_by"
    ).prefetch_related(Prefetch("answers", queryset=answers))


def call_questions(call: NominationCall) -> list[NominationQuestion]:
    return list(call.questions.select_related("call__programme"))


def answer_text(answer: NominationAnswer) -> str:
    if answer.question.kind == NominationQuestion.Kind.RATING:
        return "" if answer.rating is None else str(answer.rating)
    return answer.text


def answers_by_question(nomination: Nomination) -> dict[int, str]:
    """The nomination's answers by question id (from the prefetched answers)."""
    return {answer.question_id: answer_text(answer) for answer in nomination.answers.all()}


def documents_present(nomination: Nomination) -> list[str]:
    """The names of the documents uploaded with the nomination."""
    present = []
    if nomination.cv:
        present.append(str(_("CV")))
    if nomination.nomination_letter:
        present.append(str(_("Nomination letter")))
    return present


@dataclass(frozen=True)
class NominationTable:
    header: list[str]
    rows: Iterator[list[object]]


def nomination_table(
    *,
    programme: Programme,
    nominations: QuerySet[Nomination],
    questions: list[NominationQuestion],
    internal: bool,
) -> NominationTable:
    """The header and rows of the nomination list in the active language."""
    header = [
        _("Delegation"),
        _("Name"),
        _("Name in Latin letters"),
        _("Gender"),
        _("Category"),
        _("Position"),
        _("Institution"),
        _("Institution type"),
        _("E-mail address"),
        _("Status"),
        _("Reserve rank"),
    ]
    if internal:
        header += [_("Decision note"), _("Decided by")]
    header += [_("Decided at"), _("Documents")]
    header += [question.text for question in questions]

    def rows() -> Iterator[list[object]]:
        for nomination in nominations_for_documents(nominations):
            decided_at = nomination.decided_at
            row: list[object] = [
                nomination.delegation.origin,
                nomination.full_name,
                nomination.full_name_latin,
                nomination.get_gender_display(),
                nomination.get_category_display(),
                nomination.position,
                nomination.institution,
                nomination.get_institution_type_display(),
                nomination.email,
                nomination.get_status_display(),
                nomination.reserve_rank,
            ]
            if internal:
                row += [nomination.decision_note, str(nomination.decided_by or "")]
            row += [
                programme.to_local(decided_at).strftime(DATETIME_FORMAT) if decided_at else "",
                ", ".join(documents_present(nomination)),
            ]
            answers = answers_by_question(nomination)
            row += [answers.get(question.pk, "") for question in questions]
            yield row

    return NominationTable([str(label) for label in header], rows())


def nomination_list_xlsx(
    *,
    programme: Programme,
    nominations: QuerySet[Nomination],
    questions: list[NominationQuestion],
    internal: bool,
) -> bytes:
    table = nomination_table(
        programme=programme, nominations=nominations, questions=questions, internal=internal
    )
    return xlsx_bytes(table.header, table.rows, title=str(_("Nominations")))
