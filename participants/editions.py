"""The participants app's part of a new programme started from an existing one.

Copied: the evaluation and follow-up questions. Not copied: participants, their invitations,
status changes, imports, evaluation responses, follow-up rounds, reminders and personal-data
records: a new programme starts with no people (see `programs.editions`).
"""

from programs.editions import copied_values
from programs.models import Programme

from .models import EvaluationQuestion, FollowUpQuestion

EVALUATION_QUESTION_NOT_COPIED = frozenset({"programme"})


def copy_evaluation_questions(*, source: Programme, target: Programme) -> int:
    """Give `target` the evaluation and follow-up questions of `source`, in the same order.

    Side effects: creates the questions; returns how many.
    """
    questions = EvaluationQuestion.objects.bulk_create(
        EvaluationQuestion(
            programme=target,
            **copied_values(question, not_copied=EVALUATION_QUESTION_NOT_COPIED),
        )
        for question in source.evaluation_questions.all()
    )
    follow_up = FollowUpQuestion.objects.bulk_create(
        FollowUpQuestion(
            programme=target,
            **copied_values(question, not_copied=EVALUATION_QUESTION_NOT_COPIED),
        )
        for question in source.follow_up_questions.all()
    )
    return len(questions) + len(follow_up)
