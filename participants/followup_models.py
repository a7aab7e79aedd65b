"""Follow-up surveys some months after the programme: rounds, questions, invitations, answers.

A round asks every participant who took part (see `participants.followup.eligible_participants`)
how their action plan's milestones went, plus the programme's own follow-up questions. Each
participant gets at most one invitation per round (a unique constraint): beat may run twice
at once and still send one e-mail. The invitation's link carries a token whose hash alone is
stored; the survey also needs the participant's own account, signed in by an e-mailed code.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from programs.models import Programme

from .action_plan_models import Milestone
from .questions import Question


class FollowUpRound(models.Model):
    """One survey of the programme's participants, a number of months after its last day."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="follow_up_rounds",
        verbose_name=_("programme"),
    )
    months_after = models.PositiveSmallIntegerField(
        _("months after the last day"),
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    opens_on = models.DateField(
        _("opens on"), help_text=_("The invitations are sent on this day, in the morning.")
    )
    closes_on = models.DateField(
        _("closes on"), help_text=_("The last day on which participants may answer.")
    )
    # When beat (or an organiser) first sent the invitations; None while planned.
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True, editable=False)
    # Set when the round was closed by an organiser or at the end of `closes_on`.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up round")
        verbose_name_plural = _("follow-up rounds")
        ordering = ["months_after", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "months_after"],
                name="one_follow_up_round_per_interval",
                violation_error_message=_("The programme has a round at this interval already."),
            ),
            models.CheckConstraint(
                condition=models.Q(closes_on__gt=models.F("opens_on")),
                name="follow_up_closes_after_it_opens",
                violation_error_message=_("The round must close after it opens."),
            ),
        ]

    def __str__(self) -> str:
        return _("%(months)s months after the programme") % {"months": self.months_after}

    @property
    def state(self) -> str:
        if self.closed_at is not None:
            return self.State.CLOSED
        if self.opened_at is not None:
            return self.State.OPEN
        return self.State.PLANNED

    def get_state_display(self) -> str:
        return str(self.State(self.state).label)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class FollowUpQuestion(Question):
    """One of the programme's own questions, asked in every follow-up round."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="follow_up_questions",
        verbose_name=_("programme"),
    )

    class Meta(Question.Meta):
        verbose_name = _("follow-up question")
        verbose_name_plural = _("follow-up questions")

    @property
    def content_language(self) -> str:
        return self.programme.content_language


class FollowUpInvitation(models.Model):
    """A participant's invitation to one round: at most one, whatever beat does."""

    round = models.ForeignKey(
        FollowUpRound,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("round"),
    )
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.CASCADE,
        related_name="follow_up_invitations",
        verbose_name=_("participant"),
    )
    # SHA-256 of the link's token; each e-mail (first or reminder) carries a new one.
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # None until the first e-mail went out; a failed send is tried again by the next run.
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("last e-mail"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up invitation")
        verbose_name_plural = _("follow-up invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "participant"], name="one_follow_up_invitation_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} – {self.round}"


class FollowUpResponse(models.Model):
    """What a participant answered in one round; sending again replaces it."""

    invitation = models.OneToOneField(
        FollowUpInvitation,
        on_delete=models.CASCADE,
        related_name="response",
        verbose_name=_("invitation"),
    )
    story = models.TextField(
        _("what has changed"),
        blank=True,
        help_text=_("In a few sentences: what your plan has changed so far."),
    )
    may_quote = models.BooleanField(
        _("may be quoted"),
        default=False,
        help_text=_("The outcome report may quote these sentences with your name and country."),
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now=True)

    class Meta:
        verbose_name = _("follow-up response")
        verbose_name_plural = _("follow-up responses")

    def __str__(self) -> str:
        return str(self.invitation)


class MilestoneProgress(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        REACHED = "reached", _("Reached")
        DROPPED = "dropped", _("Dropped")

    response = models.ForeignKey(
        FollowUpResponse, on_delete=models.CASCADE, related_name="milestones"
    )
    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.CASCADE,
        related_name="progress",
        verbose_name=_("milestone"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("milestone progress")
        verbose_name_plural = _("milestone progress")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "milestone"], name="one_progress_per_milestone"
            )
        ]

    def __str__(self) -> str:
        return f"{self.milestone}: {self.get_status_display()}"


class FollowUpAnswer(models.Model):
    response = models.ForeignKey(FollowUpResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(FollowUpQuestion, on_delete=models.CASCADE, related_name="answers")
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    text = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("follow-up answer")
        verbose_name_plural = _("follow-up answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="one_follow_up_answer_per_question"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__range=(1, 5)),
                name="follow_up_rating_from_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.rating or self.text}"
