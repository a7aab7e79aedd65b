"""What the views of a call's questions, the evaluation questions and the follow-up questions
share: finding the question being edited, saving one, listing them with the form that adds or
edits one, and deleting one with its answers."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from programs.confirmation import confirmation_page

from .questions import Question


def question_of(questions: QuerySet, question_id: str | int | None) -> Question:
    """The question of `questions` with this id; 404 for a missing or malformed id."""
    try:
        question_id = int(question_id or "")
    except ValueError:
        raise Http404 from None
    return get_object_or_404(questions, pk=question_id)


def question_being_edited(request: HttpRequest, questions: QuerySet) -> Question | None:
    """The question a POST saves (`question`) or a GET opens for editing (`?edit=<id>`)."""
    if request.method == "POST" and request.POST.get("question"):
        return question_of(questions, request.POST.get("question"))
    if request.GET.get("edit"):
        return question_of(questions, request.GET.get("edit"))
    return None


def save_question(request: HttpRequest, question: Question, *, editing: bool) -> None:
    question.save()
    messages.success(
        request,
        _("The question has been saved.") if editing else _("The question has been added."),
    )


def questions_page(
    request: HttpRequest,
    template: str,
    *,
    questions: QuerySet,
    form: forms.Form,
    editing: Question | None,
    **context: object,
) -> HttpResponse:
    """The list of questions with the form that adds or edits one."""
    return render(
        request,
        template,
        {
            **context,
            # Queries: the questions, with how many answers each has (for the delete warning).
            "questions": questions.annotate(answer_count=Count("answers")),
            "form": form,
            "editing": editing,
        },
    )


def edit_questions(
    request: HttpRequest,
    programme,
    *,
    questions: QuerySet,
    form_class: type[forms.ModelForm],
    template: str,
    list_url_name: str,
    move: Callable[..., None] | None = None,
) -> HttpResponse:
    """List, add and edit (`?edit=<id>`) a programme's questions, in `questions`' order;
    with `move`, also move one up or down (`move=up|down`).

    Side effects: saves the question posted, or moves it.
    """
    back = redirect(list_url_name, slug=programme.slug)
    if move and request.method == "POST" and request.POST.get("move") in ("up", "down"):
        question = question_of(questions, request.POST.get("question"))
        move(question=question, offset=-1 if request.POST["move"] == "up" else 1)
        return back
    editing = question_being_edited(request, questions)
    # The form writes onto `editing`: keep its place for when the position is left empty.
    position = editing.position if editing else None
    form = form_class(
        request.POST if request.method == "POST" else None, instance=editing, programme=programme
    )
    if request.method == "POST" and form.is_valid():
        question = form.save(commit=False)
        question.programme = programme
        if form.cleaned_data.get("position") is None:
            if position is None:
                last = questions.order_by("-position").values_list("position", flat=True).first()
                position = (last or 0) + 1
            question.position = position
        save_question(request, question, editing=editing is not None)
        return back
    return questions_page(
        request, template, questions=questions, form=form, editing=editing, programme=programme
    )


def delete_question(
    request: HttpRequest, question: Question, *, consequence: str, list_url: str
) -> HttpResponse:
    """Ask first; once confirmed, delete the question and its answers and go back to the list."""
    asking = confirmation_page(
        request,
        question=_("Delete the question “%(text)s”?") % {"text": question.text},
        consequence=consequence,
        action=_("Delete the question and its answers"),
        cancel_url=list_url,
    )
    if asking:
        return asking
    question.delete()
    messages.success(
        request,
        _("The question “%(text)s” and its answers were deleted.") % {"text": question.text},
    )
    return redirect(list_url)
