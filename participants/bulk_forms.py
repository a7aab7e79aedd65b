from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .bulk import BulkAction
from .models import STATUSES_NEEDING_A_REASON, Participant


class ParticipantIdsField(forms.Field):
    """The ids of the chosen participants: the list's checkboxes (one `participant` value
    each) or the preview's confirmation (one comma-separated value, which keeps a long
    selection under the limit on the number of fields a request may send)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("Choose participants from the list.")}

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        try:
            parts = [part for item in value for part in str(item).split(",") if part.strip()]
            return sorted({int(part) for part in parts})
        except (TypeError, ValueError) as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error


class BulkActionForm(forms.Form):
    """What to do with which participants of the list; the same fields preview and confirm."""

    action = forms.ChoiceField(label=_("Action"), choices=BulkAction.choices)
    to_status = forms.ChoiceField(
        label=_("New status"),
        choices=[("", "—"), *Participant.Status.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Note or reason"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"aria-describedby": "bulk-note-help"}),
        help_text=_(
            "Kept in each participant's status history; required for withdrawn or declined."
        ),
    )
    participant = ParticipantIdsField(required=False)
    all_matching = forms.BooleanField(required=False)
    # The list's query string, so that "all matching" means what the list showed.
    filters = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        action, to_status = cleaned.get("action"), cleaned.get("to_status")
        if action == BulkAction.STATUS:
            if not to_status:
                self.add_error("to_status", _("Choose the new status."))
            elif to_status in STATUSES_NEEDING_A_REASON and not cleaned.get("note", "").strip():
                self.add_error(
                    "note", _("Give the reason: it is kept with each participant's status.")
                )
        if (
            not cleaned.get("all_matching")
            and not cleaned.get("participant")
            and ("participant" not in self.errors)
        ):
            raise ValidationError(
                _("Select at least one participant, or all that match the filters.")
            )
        return cleaned
