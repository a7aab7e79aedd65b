"""Placeholder views, replaced by the real implementation."""


def _missing(*args, **kwargs):
    from django.http import Http404

    raise Http404


evaluation = evaluation_questions = evaluation_question_delete = evaluation_results = (
    evaluation_export
) = _missing
