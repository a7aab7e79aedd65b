"""Forms of the certificate pages: the template, its signatories, revocation, code lookup."""

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from programs.images import reencode_image
from programs.languages import label_local_fields
from programs.uploads import LOGO, with_limit

from .certificates import normalise_code
from .models import CertificateTemplate, Signatory

LOGO_MAX_SIDE = 600
SIGNATURE_MAX_SIDE = 600
MAX_SIGNATORIES = 4
IMAGE_ACCEPT = "image/jpeg,image/png,image/webp,image/gif"
IMAGE_HELP = with_limit(
    _("JPEG, PNG, WebP or GIF, up to %(limit)s; stored as a JPEG of at most 600 pixels."), LOGO
)


def _reencoded(upload: Any, max_side: int) -> Any:
    # Only a new upload is checked and re-encoded; the stored file passes through unchanged.
    if isinstance(upload, UploadedFile):
        return reencode_image(upload, kind=LOGO, max_side=max_side)
    return upload


class CertificateTemplateForm(forms.ModelForm):
    """Wording, layout, the rule that earns a certificate, and the partner logo."""

    # A plain file input: the default widget would link to the stored file's path, and
    # reencode_image judges the content whatever the name says.
    partner_logo = forms.FileField(
        label=_("Partner logo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": IMAGE_ACCEPT}),
        help_text=IMAGE_HELP,
    )
    remove_partner_logo = forms.BooleanField(label=_("Remove the partner logo"), required=False)

    class Meta:
        model = CertificateTemplate
        fields = [
            "heading_en",
            "heading_local",
            "wording_en",
            "wording_local",
            "orientation",
            "minimum_attendance",
            "require_completed_status",
            "partner_logo",
        ]
        widgets = {
            "wording_en": forms.Textarea(attrs={"rows": 2}),
            "wording_local": forms.Textarea(attrs={"rows": 2}),
            "minimum_attendance": forms.NumberInput(attrs={"min": 0, "max": 100}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label_local_fields(
            self,
            {
                "heading_local": _("Heading (%(language)s)"),
                "wording_local": _("Wording (%(language)s)"),
            },
            self.instance.programme.content_language,
        )

    def clean_minimum_attendance(self) -> int:
        value = self.cleaned_data["minimum_attendance"]
        if value > 100:
            raise forms.ValidationError(_("Enter a percentage from 0 to 100."))
        return value

    def clean_partner_logo(self) -> Any:
        return _reencoded(self.cleaned_data.get("partner_logo"), LOGO_MAX_SIDE)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("remove_partner_logo") and not isinstance(
            cleaned.get("partner_logo"), UploadedFile
        ):
            cleaned["partner_logo"] = False  # the model field's "clear" value
        return cleaned


class SignatoryForm(forms.ModelForm):
    signature = forms.FileField(
        label=_("Signature image"),
        required=False,
        widget=forms.FileInput(attrs={"accept": IMAGE_ACCEPT}),
        help_text=_("A scan on white paper; stored as a JPEG of at most 600 pixels."),
    )

    class Meta:
        model = Signatory
        fields = ["name", "title", "organisation", "signature", "position"]
        widgets = {"position": forms.NumberInput(attrs={"min": 0, "max": 99})}
        labels = {"position": _("Order")}

    def clean_signature(self) -> Any:
        return _reencoded(self.cleaned_data.get("signature"), SIGNATURE_MAX_SIDE)


# Existing signatories plus one blank form to add another; a certificate has room for four.
SignatoryFormSet = forms.modelformset_factory(
    Signatory,
    form=SignatoryForm,
    extra=1,
    max_num=MAX_SIGNATORIES,
    validate_max=True,
    can_delete=False,
)


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("Shown on the public verification page."),
    )


class CodeLookupForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("As printed under the QR code, e.g. TPB-7KQ2-M9XD-4RBT."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _("A code has twelve letters and digits after TPB, e.g. TPB-7KQ2-M9XD-4RBT.")
            )
        return code
