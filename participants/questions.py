"""What every question put to people has: evaluation questions and a call's extra questions."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from programs.models import in_programme_language


class QuestionKind(models.TextChoices):
    RATING = "rating", _("Rating from 1 to 5")
    TEXT = "text", _("Free text")
    CHOICE = "choice", _("One choice from a list")


class Question(models.Model):
    """A question in English and the programme's language; subclasses say whose it is."""

    Kind = QuestionKind

    text_en = models.CharField(_("question (English)"), max_length=300)
    text_local = models.CharField(_("question (host language)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.RATING)
    choices = models.TextField(
        _("choices"), blank=True, help_text=_("For a choice question: one option per line.")
    )
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text_en

    @property
    def text(self) -> str:
        return in_programme_language(self, self.text_local, self.text_en)

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]
