"""The consent asked of a delegate: when they accept their invitation, and on their own pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

YES, NO = "yes", "no"


def photo_consent_field(*, required: bool = True) -> forms.TypedChoiceField:
    """Yes or no to photos showing the participant; cleans to True or False."""
    return forms.TypedChoiceField(
        label=_("Photos showing me"),
        choices=[
            (YES, _("May be used in the programme's gallery and closing report")),
            (NO, _("Must be left out of the gallery and the closing report")),
        ],
        coerce=lambda value: value == YES,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether photos showing you may be used.")},
    )


def photo_consent_initial(value: bool | None) -> str | None:
    """The radio choice showing a stored photo consent."""
    if value is None:
        return None
    return YES if value else NO


class ConsentForm(forms.Form):
    """Acceptance of the programme's privacy notice (required) and the answer about photos."""

    consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree to my personal data being used as it "
            "describes."
        ),
        error_messages={
            "required": _("Please tick the box to accept the privacy notice before confirming.")
        },
    )
    photo_consent = photo_consent_field()
