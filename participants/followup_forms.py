from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from programs.models import Programme

from .action_plan_models import Milestone
from .evaluation_forms import EvaluationForm, EvaluationQuestionForm
from .followup import default_dates
from .followup_models import FollowUpQuestion, FollowUpRound, MilestoneProgress


class FollowUpQuestionForm(EvaluationQuestionForm):
    class Meta(EvaluationQuestionForm.Meta):
        model = FollowUpQuestion


class FollowUpRoundForm(forms.ModelForm):
    """A round's interval and dates; dates left empty follow from the interval."""

    class Meta:
        model = FollowUpRound
        fields = ["months_after", "opens_on", "closes_on"]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.instance.programme = programme
        self.fields["opens_on"].required = False
        self.fields["closes_on"].required = False
        self.fields["opens_on"].help_text = _(
            "Left empty: the same day of the month, that many months after the last day."
        )
        self.fields["closes_on"].help_text = _("Left empty: four weeks after it opens.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        months = cleaned.get("months_after")
        others = self.programme.follow_up_rounds.exclude(pk=self.instance.pk)
        if months and others.filter(months_after=months).exists():
            self.add_error("months_after", _("The programme has a round at this interval already."))
        if months and not self.errors:
            opens_on, closes_on = default_dates(self.programme, months)
            if not cleaned.get("opens_on"):
                cleaned["opens_on"] = self.instance.opens_on = opens_on
            if not cleaned.get("closes_on"):
                length = closes_on - opens_on
                cleaned["closes_on"] = self.instance.closes_on = cleaned["opens_on"] + length
            if cleaned["opens_on"] <= self.programme.end_date:
                self.add_error("opens_on", _("A follow-up opens after the programme's last day."))
            elif cleaned["closes_on"] <= cleaned["opens_on"]:
                self.add_error("closes_on", _("The round must close after it opens."))
        return cleaned


class FollowUpForm(EvaluationForm):
    """The survey: where each milestone stands, the programme's questions, the story."""

    story = forms.CharField(
        label=_("What has your plan changed so far?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    may_quote = forms.BooleanField(
        label=_("The outcome report may quote what I wrote above, with my name and country."),
        required=False,
    )

    def __init__(self, *args: Any, milestones: list[Milestone], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.milestones = milestones
        for milestone in milestones:
            self.fields[f"status_{milestone.pk}"] = forms.ChoiceField(
                label=milestone.title,
                choices=MilestoneProgress.Status.choices,
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{milestone.pk}"] = forms.CharField(
                label=_("Note (optional)"), required=False, max_length=500
            )
        # Milestones first, then the questions, then the story.
        order = [f"{kind}_{m.pk}" for m in milestones for kind in ("status", "note")]
        self.order_fields([*order, *(self.field_name(q) for q in self.questions)])

    def milestone_rows(self) -> list[tuple[Milestone, forms.BoundField, forms.BoundField]]:
        return [(m, self[f"status_{m.pk}"], self[f"note_{m.pk}"]) for m in self.milestones]

    def question_fields(self) -> list[forms.BoundField]:
        return [self[self.field_name(q)] for q in self.questions]

    def progress(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {m.pk: (data[f"status_{m.pk}"], data[f"note_{m.pk}"]) for m in self.milestones}


def initial_for(response, milestones: list[Milestone], questions: list) -> dict[str, object]:
    """The saved answers, to fill the form again."""
    if response is None:
        return {}
    initial: dict[str, object] = {"story": response.story, "may_quote": response.may_quote}
    for progress in response.milestones.all():
        initial[f"status_{progress.milestone_id}"] = progress.status
        initial[f"note_{progress.milestone_id}"] = progress.note
    for answer in response.answers.all():
        value = answer.rating if answer.rating is not None else answer.text
        initial[f"question_{answer.question_id}"] = value
    return initial
