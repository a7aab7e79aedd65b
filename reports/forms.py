from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from participants.models import Participant
from programs.models import Delegation, Programme

from .badges import badge_holders
from .models import GenerationJob

Kind = GenerationJob.Kind
# Kinds generated for the whole programme from the reports page. Badges of one participant and
# manifests of one vehicle are requested from their own pages.
PROGRAMME_KINDS = (Kind.PROGRAMME_OVERVIEW, Kind.BADGES)
# Batches started from the jobs page.
BATCH_KINDS = (Kind.CERTIFICATES, Kind.VISA_LETTERS, Kind.CLOSING_REPORT)


class DocumentLanguageForm(forms.Form):
    """The language a document, a report or the letters are generated in."""

    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class GenerateDocumentForm(DocumentLanguageForm):
    kind = forms.ChoiceField(
        label=_("Document"), choices=[(kind.value, kind.label) for kind in PROGRAMME_KINDS]
    )
    field_order = ["kind", "language"]


class StartJobForm(DocumentLanguageForm):
    kind = forms.ChoiceField(
        label=_("Batch"), choices=[(kind.value, kind.label) for kind in BATCH_KINDS]
    )
    field_order = ["kind", "language"]


class BadgeRequestForm(DocumentLanguageForm):
    """Badges of every active participant, or of the one named."""

    participant = forms.ModelChoiceField(
        queryset=Participant.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, programme: Programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only active people of this programme: an id from elsewhere is a field error, not a leak.
        self.fields["participant"].queryset = badge_holders(programme)


class EraseParticipantForm(forms.Form):
    """What becomes of the certificate of a participant erased on request."""

    KEEP, REVOKE = "keep", "revoke"

    certificate = forms.ChoiceField(
        label=_("Their certificate"),
        choices=[
            (KEEP, _("Keep it valid: its code still verifies, without the name")),
            (REVOKE, _("Revoke it: its code then verifies as revoked")),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, has_certificate: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not has_certificate:
            del self.fields["certificate"]

    @property
    def keep_certificate(self) -> bool:
        return self.cleaned_data.get("certificate", self.KEEP) == self.KEEP


class NominationListForm(DocumentLanguageForm):
    """The nomination list of one delegation among those the user sees, or of every
    delegation (managers only: `whole_call`)."""

    delegation = forms.ModelChoiceField(
        label=_("Delegation"), queryset=Delegation.objects.none(), required=False
    )

    def __init__(self, *args, delegations: list[Delegation], whole_call: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["delegation"]
        # Only the user's delegations: another one's id is a field error, not a leak.
        field.queryset = Delegation.objects.filter(
            pk__in=[delegation.pk for delegation in delegations]
        ).select_related("country", "province")
        field.required = not whole_call
        field.empty_label = _("All delegations") if whole_call else None
