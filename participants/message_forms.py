from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from programs.languages import label_local_fields
from programs.models import Programme

from .bulk_forms import ParticipantIdsField
from .message_models import GroupMessage


class GroupMessageForm(forms.Form):
    """A message to a group: who (the list's filters, or every focal point) and what, in English
    and optionally the programme's language. The same fields preview and send."""

    audience = forms.ChoiceField(
        label=_("To"), choices=GroupMessage.Audience.choices, widget=forms.RadioSelect
    )
    # The participant list's query string, so that the group is the one the list showed.
    filters = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
    subject_en = forms.CharField(label=_("Subject (English)"), max_length=200)
    body_en = forms.CharField(
        label=_("Message (English)"), widget=forms.Textarea(attrs={"rows": 8})
    )
    subject_local = forms.CharField(required=False, max_length=200)
    body_local = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 8}))
    # The recipients of the preview (participant or account ids): only they are written to.
    recipients = ParticipantIdsField(required=False)

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label_local_fields(
            self,
            {
                "subject_local": _("Subject (%(language)s)"),
                "body_local": _("Message (%(language)s)"),
            },
            programme.content_language,
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # A message half in the host's language would read oddly: both parts or neither.
        subject_local = cleaned.get("subject_local", "").strip()
        body_local = cleaned.get("body_local", "").strip()
        if subject_local and not body_local:
            self.add_error("body_local", _("Write the message in this language too, or neither."))
        if body_local and not subject_local:
            self.add_error(
                "subject_local", _("Write the subject in this language too, or neither.")
            )
        return cleaned

    @property
    def texts(self) -> dict[str, str]:
        data = self.cleaned_data
        # Browsers send a text area's lines with CRLF: e-mails and the log keep plain newlines.
        return {
            name: data[name].replace("\r\n", "\n").strip()
            for name in ("subject_en", "body_en", "subject_local", "body_local")
        }
