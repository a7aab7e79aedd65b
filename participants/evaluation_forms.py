from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from programs.languages import label_local_fields, language_name
from programs.models import Programme

from .evaluation import RATINGS
from .models import EvaluationQuestion


class EvaluationQuestionForm(forms.ModelForm):
    """Add or edit a question; a choice question needs at least two options."""

    class Meta:
        model = EvaluationQuestion
        fields = ["text_en", "text_local", "kind", "choices", "required", "position"]
        widgets = {"choices": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "position": _("Questions are asked in this order, smallest first."),
        }

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = programme.content_language
        label_local_fields(self, {"text_local": _("Question (%(language)s)")}, language)
        self.fields["text_local"].help_text = _(
            "Optional: delegates reading in %(language)s see the English otherwise."
        ) % {"language": language_name(language)}
        # Left empty, a new question goes to the end of the form.
        self.fields["position"].required = False
        if self.instance.pk is None:
            self.initial["position"] = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        options = [line.strip() for line in cleaned.get("choices", "").splitlines()]
        options = [option for option in options if option]
        if kind == EvaluationQuestion.Kind.CHOICE:
            if len(options) < 2:
                self.add_error("choices", _("Give at least two options, one per line."))
            elif len(set(options)) != len(options):
                self.add_error("choices", _("Each option may appear only once."))
            cleaned["choices"] = "\n".join(options)
        else:
            # Options only mean something for a choice question.
            cleaned["choices"] = ""
        return cleaned


class EvaluationForm(forms.Form):
    """A delegate's answers: one field per question, in the page's language."""

    def __init__(self, *args: Any, questions: list[EvaluationQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[self.field_name(question)] = self._field_for(question)

    @staticmethod
    def field_name(question: EvaluationQuestion) -> str:
        return f"question_{question.pk}"

    @staticmethod
    def _field_for(question: EvaluationQuestion) -> forms.Field:
        if question.kind == EvaluationQuestion.Kind.RATING:
            field: forms.Field = forms.TypedChoiceField(
                choices=[(rating, str(rating)) for rating in RATINGS],
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect(attrs={"class": "rating"}),
                help_text=_("1 = poor, 5 = excellent"),
            )
        elif question.kind == EvaluationQuestion.Kind.CHOICE:
            field = forms.ChoiceField(
                choices=[(option, option) for option in question.choice_list],
                widget=forms.RadioSelect,
            )
        else:
            field = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
        field.label = question.text
        field.required = question.required
        return field

    def answers(self) -> dict[int, int | str | None]:
        return {q.pk: self.cleaned_data.get(self.field_name(q)) for q in self.questions}
