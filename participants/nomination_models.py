"""The call for nominations, the candidates member countries put forward, and the decisions.

A programme has at most one call. Each invited delegation's focal points nominate up to the
delegation's seats plus reserves by the deadline; organisers then mark each candidate selected,
reserve or not selected. A selected candidate becomes a participant (`Nomination.participant`).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.models import Delegation, Programme

from .choices import Category, Gender, InstitutionType, display_name
from .questions import Question


class NominationCall(models.Model):
    """The host's call to the member countries to nominate candidates for a programme."""

    programme = models.OneToOneField(
        Programme,
        on_delete=models.CASCADE,
        related_name="nomination_call",
        verbose_name=_("programme"),
    )
    deadline = models.DateTimeField(_("deadline"))
    eligibility_en = models.TextField(_("eligibility (English)"), blank=True)
    eligibility_local = models.TextField(_("eligibility (host language)"), blank=True)
    requires_cv = models.BooleanField(_("CV required"), default=True)
    requires_nomination_letter = models.BooleanField(_("nomination letter required"), default=True)
    # Set when the call closes, by itself at the deadline or by an organiser; cleared by an
    # extension. Nominating is allowed only while the call is open (`is_open`).
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("call for nominations")
        verbose_name_plural = _("calls for nominations")

    def __str__(self) -> str:
        return str(self.programme)

    @property
    def content_language(self) -> str:
        return self.programme.content_language

    def is_open(self, now=None) -> bool:
        """Open until the deadline, unless an organiser closed it earlier."""
        return self.closed_at is None and (now or timezone.now()) < self.deadline


class NominationQuestion(Question):
    """An extra question every candidate of the call answers."""

    call = models.ForeignKey(
        NominationCall,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("call for nominations"),
    )

    class Meta(Question.Meta):
        verbose_name = _("nomination question")
        verbose_name_plural = _("nomination questions")

    @property
    def content_language(self) -> str:
        return self.call.programme.content_language


def nomination_document_path(nomination: "Nomination", filename: str) -> str:
    # Unguessable and never derived from the uploaded name; served only through a checked view.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"nominations/{nomination.call_id}/{uuid.uuid4().hex}.{extension}"


class Nomination(models.Model):
    """A candidate put forward by a delegation's focal point, and the host's decision."""

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        SELECTED = "selected", _("Selected")
        RESERVE = "reserve", _("Reserve")
        NOT_SELECTED = "not_selected", _("Not selected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    Gender = Gender
    Category = Category
    InstitutionType = InstitutionType

    call = models.ForeignKey(
        NominationCall,
        on_delete=models.CASCADE,
        related_name="nominations",
        verbose_name=_("call for nominations"),
    )
    delegation = models.ForeignKey(
        Delegation,
        on_delete=models.CASCADE,
        related_name="nominations",
        verbose_name=_("delegation"),
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nominated by"),
    )
    full_name = models.CharField(
        _("full name"), max_length=200, help_text=_("As in the passport, in any script.")
    )
    full_name_latin = models.CharField(
        _("name in Latin letters"),
        max_length=200,
        blank=True,
        help_text=_("Only if the full name is in another script."),
    )
    email = models.EmailField(_("e-mail address"))
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.INTERNATIONAL
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    institution_type = models.CharField(
        _("institution type"), max_length=20, choices=InstitutionType.choices, blank=True
    )
    motivation = models.TextField(_("motivation"), blank=True)
    cv = models.FileField(_("CV"), upload_to=nomination_document_path, blank=True)
    nomination_letter = models.FileField(
        _("nomination letter"), upload_to=nomination_document_path, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOMINATED
    )
    # Order of the delegation's reserves: the first is offered a seat first.
    reserve_rank = models.PositiveSmallIntegerField(_("reserve rank"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    participant = models.OneToOneField(
        "participants.Participant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nomination",
        verbose_name=_("participant"),
    )
    # The candidate's own link to complete their profile: only the hash is kept.
    profile_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    profile_link_sent_at = models.DateTimeField(_("profile link sent"), null=True, blank=True)
    profile_completed_at = models.DateTimeField(_("profile completed"), null=True, blank=True)
    profile_reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    created_at = models.DateTimeField(_("nominated at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["delegation", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "email"],
                condition=~models.Q(status="withdrawn"),
                name="one_nomination_per_email",
                violation_error_message=_("This person has already been nominated."),
            ),
            models.UniqueConstraint(
                fields=["profile_token_hash"],
                condition=~models.Q(profile_token_hash=""),
                name="unique_profile_token",
            ),
        ]
        indexes = [models.Index(fields=["call", "status"], name="nomination_call_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return display_name(self.full_name, self.full_name_latin)


class NominationAnswer(models.Model):
    """A candidate's answer to one of the call's extra questions."""

    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="answers", verbose_name=_("nomination")
    )
    question = models.ForeignKey(
        NominationQuestion,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("question"),
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    text = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("nomination answer")
        verbose_name_plural = _("nomination answers")
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "question"], name="one_answer_per_nomination_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.nomination} – {self.question}"
