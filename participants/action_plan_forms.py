"""The participant's action plan with its milestones, and the team's comment on it."""

from typing import Any

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .action_plan_models import ActionPlan, ActionPlanComment, Milestone
from .action_plans import MILESTONE_HORIZON_YEARS, milestone_window

# Enough for a year of monthly steps; keeps a posted formset small.
MAX_MILESTONES = 20


class ActionPlanForm(forms.ModelForm):
    class Meta:
        model = ActionPlan
        fields = ["goal", "activities", "partners", "share_in_reports"]
        widgets = {
            "goal": forms.Textarea(attrs={"rows": 3}),
            "activities": forms.Textarea(attrs={"rows": 4}),
            "partners": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "activities": _("What you will do, step by step."),
        }


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, window: tuple, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.window = window
        first, last = window
        self.fields["due_on"].widget.attrs.update(min=first.isoformat(), max=last.isoformat())

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        first, last = self.window
        if due_on < first:
            raise forms.ValidationError(
                _("A milestone falls on or after the programme's first day, %(day)s."),
                params={"day": date_format(first, "j F Y")},
            )
        if due_on > last:
            raise forms.ValidationError(
                _("A milestone falls within %(years)s years of the programme, by %(day)s."),
                params={"years": MILESTONE_HORIZON_YEARS, "day": date_format(last, "j F Y")},
            )
        return due_on


class BaseMilestoneFormSet(BaseInlineFormSet):
    def kept(self) -> int:
        """How many milestones the valid formset leaves: saved ones not deleted, plus new."""
        return sum(
            1
            for form in self.forms
            if (form.instance.pk or form.has_changed()) and not self._should_delete_form(form)
        )


MilestoneFormSet = inlineformset_factory(
    ActionPlan,
    Milestone,
    form=MilestoneForm,
    formset=BaseMilestoneFormSet,
    extra=2,
    can_delete=True,
    max_num=MAX_MILESTONES,
    validate_max=True,
)


def milestone_formset(plan: ActionPlan, data: Any = None) -> BaseMilestoneFormSet:
    return MilestoneFormSet(
        data,
        instance=plan,
        prefix="milestones",
        form_kwargs={"window": milestone_window(plan.participant.programme)},
    )


class CommentForm(forms.ModelForm):
    class Meta:
        model = ActionPlanComment
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3, "maxlength": 2000})}
        labels = {"text": _("Your comment")}
        help_texts = {"text": _("The participant sees it on their plan.")}

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if len(text) > 2000:
            raise forms.ValidationError(_("Keep the comment under 2000 characters."))
        return text
