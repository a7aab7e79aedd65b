"""The alumni directory: participants who chose to be listed after (or during) a programme.

Opt-in only: a participant appears once they join, with the topics they work on, and leaves
by deleting their listing. Their e-mail address and phone are shown only if they agree, and
only to other alumni who share theirs too (participants.alumni).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AlumniListing(models.Model):
    participant = models.OneToOneField(
        "participants.Participant",
        on_delete=models.CASCADE,
        related_name="alumni_listing",
        verbose_name=_("participant"),
    )
    topics = models.CharField(
        _("topics"),
        max_length=300,
        blank=True,
        help_text=_("What you work on or can advise about, e.g. children's reading, digitisation."),
    )
    share_contact = models.BooleanField(
        _("share my e-mail address and phone with other alumni"),
        default=False,
        help_text=_("Only alumni who share theirs too see them."),
    )
    listed_at = models.DateTimeField(_("listed"), auto_now_add=True)

    class Meta:
        verbose_name = _("alumni listing")
        verbose_name_plural = _("alumni listings")

    def __str__(self) -> str:
        return str(self.participant)
