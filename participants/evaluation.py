"""The programme evaluation: who may answer and when, saving answers, the summary, the export.

Answers are anonymous to the team: the summary and the export never show names or e-mail
addresses, only a participant's country and category.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.models import Programme
from programs.numbers import percent

from .models import EvaluationAnswer, EvaluationQuestion, EvaluationResponse, Participant
from .questions import Question, QuestionKind

RATINGS = (1, 2, 3, 4, 5)
# Who is asked: participants who came (or were expected to) and have an account.
ELIGIBLE_STATUSES = (
    Participant.Status.CONFIRMED,
    Participant.Status.ARRIVED,
    Participant.Status.COMPLETED,
)
# Participants known to be present may answer at once; the others from the last day on.
PRESENT_STATUSES = (Participant.Status.ARRIVED, Participant.Status.COMPLETED)


def may_take_part(participant: Participant) -> bool:
    return participant.status in ELIGIBLE_STATUSES


def evaluation_opens_on(participant: Participant) -> date:
    return participant.programme.end_date


def evaluation_is_open(participant: Participant, *, now: datetime) -> bool:
    """Whether the participant may answer at `now`.

    Arrived or completed participants may answer at once; confirmed ones once the programme's
    last day has begun in its own time zone; invited, withdrawn or declined ones never.
    """
    if participant.status in PRESENT_STATUSES:
        return True
    if participant.status != Participant.Status.CONFIRMED:
        return False
    programme = participant.programme
    return programme.to_local(now).date() >= programme.end_date


def questions_of(programme: Programme) -> QuerySet[EvaluationQuestion]:
    return programme.evaluation_questions.order_by("position", "pk")


def answers_by_question(response: EvaluationResponse | None) -> dict[int, int | str]:
    """The saved value of each answered question, to fill the form again."""
    if response is None:
        return {}
    return {
        answer.question_id: answer.rating if answer.rating is not None else answer.text
        for answer in response.answers.all()
    }


def answer_rows(
    model: type, *, response, questions: dict[int, Question], answers: dict[int, int | str | None]
) -> list:
    """Unsaved `model` rows (evaluation or follow-up answers) of `response`, one per answered
    question of `questions`: a rating in `rating`, anything else in `text`."""
    rows = []
    for question_id, value in answers.items():
        question = questions.get(question_id)
        if question is None or value in (None, ""):
            continue
        if question.kind == QuestionKind.RATING:
            rows.append(model(response=response, question=question, rating=value))
        else:
            rows.append(model(response=response, question=question, text=value))
    return rows


def save_evaluation(
    *, participant: Participant, answers: dict[int, int | str | None]
) -> EvaluationResponse:
    """Record the participant's answers, replacing any they gave before.

    `answers` maps question ids of the participant's programme to a rating (int) or a text;
    empty answers are not stored. Side effects: creates the participant's one response (or
    locks and updates it), deletes its previous answers and writes the new ones.
    """
    questions = {q.pk: q for q in participant.programme.evaluation_questions.all()}
    with transaction.atomic():
        response, _created = EvaluationResponse.objects.get_or_create(participant=participant)
        # Two submissions at once must not interleave their deletes and inserts.
        response = EvaluationResponse.objects.select_for_update().get(pk=response.pk)
        response.answers.all().delete()
        EvaluationAnswer.objects.bulk_create(
            answer_rows(EvaluationAnswer, response=response, questions=questions, answers=answers)
        )
        response.save(update_fields=["submitted_at"])
    return response


def renumber_questions(programme: Programme) -> list[EvaluationQuestion]:
    """Positions 1, 2, 3… in the current order. Side effects: saves changed positions."""
    questions = list(questions_of(programme))
    changed = []
    for position, question in enumerate(questions, start=1):
        if question.position != position:
            question.position = position
            changed.append(question)
    EvaluationQuestion.objects.bulk_update(changed, ["position"])
    return questions


def move_question(*, question: EvaluationQuestion, offset: int) -> None:
    """Move a question up (-1) or down (+1) the form.

    Side effects: renumbers the programme's questions and swaps two positions.
    """
    with transaction.atomic():
        questions = renumber_questions(question.programme)
        index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
        other = index + offset
        if not 0 <= other < len(questions):
            return
        first, second = questions[index], questions[other]
        first.position, second.position = second.position, first.position
        EvaluationQuestion.objects.bulk_update([first, second], ["position"])


@dataclass
class Bar:
    label: str
    count: int
    percent: int


@dataclass
class QuestionSummary:
    question: EvaluationQuestion
    answered: int = 0
    average: float | None = None
    bars: list[Bar] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


@dataclass
class EvaluationSummary:
    responses: int
    eligible: int
    questions: list[QuestionSummary]

    @property
    def response_rate(self) -> int:
        return percent(self.responses, self.eligible) or 0


def _bars(counts: dict[Any, int], labels: list[Any]) -> list[Bar]:
    total = sum(counts.values())
    return [
        Bar(
            label=str(label),
            count=counts.get(label, 0),
            percent=percent(counts.get(label) or 0, total) or 0,
        )
        for label in labels
    ]


def summarise_answers(
    questions: list[Question], answers: QuerySet, *, with_texts: bool = True
) -> list[QuestionSummary]:
    """Each question's count, average and distribution, from `answers` (rows with question,
    rating and text: evaluation or follow-up answers), in two queries; free texts listed only
    `with_texts`."""
    counted: dict[int, dict[Any, int]] = defaultdict(dict)
    for question_id, rating, text, n in (
        answers.exclude(question__kind=QuestionKind.TEXT)
        .values_list("question_id", "rating", "text")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counted[question_id][rating if rating is not None else text] = n
    texts: dict[int, list[str]] = defaultdict(list)
    # Sorted by text, not by submission, so that the order says nothing about who wrote what.
    for question_id, text in (
        answers.filter(question__kind=QuestionKind.TEXT)
        .exclude(text="")
        .order_by("text")
        .values_list("question_id", "text")
        if with_texts
        else ()
    ):
        texts[question_id].append(text)

    summaries = []
    for question in questions:
        counts = counted.get(question.pk, {})
        summary = QuestionSummary(question=question)
        if question.kind == QuestionKind.RATING:
            summary.answered = sum(counts.values())
            if summary.answered:
                total = sum(rating * n for rating, n in counts.items())
                summary.average = round(total / summary.answered, 2)
            summary.bars = _bars(counts, list(RATINGS))
        elif question.kind == QuestionKind.CHOICE:
            summary.answered = sum(counts.values())
            options = question.choice_list
            # Answers to options the organisers have since removed are still counted.
            options += sorted(str(value) for value in counts if value not in options)
            summary.bars = _bars(counts, options)
        else:
            summary.texts = texts.get(question.pk, [])
            summary.answered = len(summary.texts)
        summaries.append(summary)
    return summaries


def evaluation_summary(programme: Programme) -> EvaluationSummary:
    """Counts, averages and distributions per question, without names: five queries.

    Queries: the questions; the responses; the eligible participants; ratings and choices
    counted per question and value; the free-text answers.
    """
    questions = list(questions_of(programme))
    responses = EvaluationResponse.objects.filter(participant__programme=programme).count()
    eligible = programme.participants.filter(
        user__isnull=False, status__in=ELIGIBLE_STATUSES
    ).count()
    answers = EvaluationAnswer.objects.filter(question__programme=programme)
    summaries = summarise_answers(questions, answers)
    return EvaluationSummary(responses=responses, eligible=eligible, questions=summaries)


def evaluation_table(programme: Programme) -> tuple[list[str], list[list[Any]]]:
    """One row per response, one column per question; no names or e-mail addresses.

    Queries: the questions, the responses with country, and their answers. The file writers
    (`spreadsheets.csv_bytes`, `xlsx_bytes`) make every cell safe for spreadsheets.
    """
    questions = list(questions_of(programme))
    responses = list(
        EvaluationResponse.objects.filter(participant__programme=programme)
        .select_related("participant__country")
        .only(
            "id",
            "submitted_at",
            "participant__category",
            "participant__country__id",
            "participant__country__country",
        )
        .order_by("pk")
    )
    values: dict[int, dict[int, Any]] = defaultdict(dict)
    for response_id, question_id, rating, text in EvaluationAnswer.objects.filter(
        response__participant__programme=programme
    ).values_list("response_id", "question_id", "rating", "text"):
        values[response_id][question_id] = rating if rating is not None else text

    # In the page's language, like every other download.
    header = [str(_("Response")), str(_("Submitted")), str(_("Country")), str(_("Category"))]
    header += [q.text for q in questions]
    categories = dict(Participant.Category.choices)
    tz = programme.tzinfo
    rows = []
    for number, response in enumerate(responses, start=1):
        participant = response.participant
        row = [
            number,
            timezone.localtime(response.submitted_at, tz).date().isoformat(),
            str(participant.country) if participant.country_id else "",
            str(categories.get(participant.category, participant.category)),
        ]
        row += [values[response.pk].get(q.pk, "") for q in questions]
        rows.append(row)
    return header, rows
