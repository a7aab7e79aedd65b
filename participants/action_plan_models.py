"""A participant's action plan: what they mean to do at home after the programme.

Written by the participant on their phone during the programme or at its end; organisers read
it and comment. It reaches the closing and outcome reports only with the participant's consent
(`share_in_reports`). Follow-up surveys ask about progress on each milestone.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ActionPlan(models.Model):
    participant = models.OneToOneField(
        "participants.Participant",
        on_delete=models.CASCADE,
        related_name="action_plan",
        verbose_name=_("participant"),
    )
    goal = models.TextField(_("goal"), help_text=_("What will be different when it is done."))
    activities = models.TextField(_("activities"), blank=True)
    partners = models.TextField(
        _("partners"), blank=True, help_text=_("People and institutions who will help.")
    )
    share_in_reports = models.BooleanField(
        _("may appear in the programme's reports"),
        default=False,
        help_text=_("The closing and outcome reports quote your plan only if you agree."),
    )
    # Set when the participant says the plan is ready for the organisers, cleared by no one.
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self) -> str:
        return str(self.participant)


class Milestone(models.Model):
    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("plan")
    )
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"))

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class ActionPlanComment(models.Model):
    """An organiser's comment on a plan, shown to the participant."""

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="comments", verbose_name=_("plan")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]
