"""The form a participant uses to correct their own details.

Registration facts (programme, category, status, country or region, e-mail, account) are the
organisers' and are not fields here, so a posted value for them is ignored. Passport details
drop out once an organiser has locked them.
"""

from datetime import date

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from programs.images import reencode_image
from programs.models import Programme
from programs.uploads import PHOTO, with_limit

from .consent import change_photo_consent
from .consent_forms import photo_consent_field, photo_consent_initial
from .forms import PARTICIPANT_WIDGETS, TRAVEL_INPUT_FORMATS, PassportNumberMixin
from .models import Participant, travel_window
from .webhook_events import UPDATED, announce

DATE_DISPLAY = "j F Y"  # as the pages show dates
# What an organiser's check of the passport locks: the details it shows.
PASSPORT_FIELDS = ("passport_number", "passport_expiry", "date_of_birth", "place_of_birth")
# Copied from the travel legs once there are any (participants.stays.sync_travel_summary).
TRAVEL_SUMMARY_FIELDS = ("arrival_at", "arrival_details", "departure_at", "departure_details")


class OwnProfileForm(PassportNumberMixin, forms.ModelForm):
    """Validate in the programme's time zone: wrap use in `timezone.override(time_zone)`."""

    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=with_limit(
            _("A passport-style photo for your badge: JPEG, PNG, WebP or GIF, up to %(limit)s."),
            PHOTO,
        ),
        widget=forms.FileInput(attrs={"accept": "image/*"}),
    )
    remove_photo = forms.BooleanField(label=_("Remove my photo"), required=False)
    # Not required: left unanswered, the stored answer stays as it is.
    photo_consent = photo_consent_field(required=False)

    class Meta:
        model = Participant
        fields = [
            "full_name_latin",
            "certificate_name",
            "gender",
            "position",
            "institution",
            "phone",
            "nationality",
            "passport_number",
            "passport_expiry",
            "date_of_birth",
            "place_of_birth",
            "arrival_at",
            "arrival_details",
            "departure_at",
            "departure_details",
            "dietary_needs",
            "accessibility_needs",
            "emergency_contact_name",
            "emergency_contact_phone",
            "emergency_contact_relation",
        ]
        widgets = {
            **PARTICIPANT_WIDGETS,
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.passport_locked:
            # Checked by an organiser: whatever is posted for these is ignored.
            for name in PASSPORT_FIELDS:
                del self.fields[name]
        self.fields["full_name_latin"].help_text = _(
            "Your name in Latin letters, if your passport name is in another script."
        )
        for name in ("arrival_at", "departure_at"):
            self.fields[name].input_formats = TRAVEL_INPUT_FORMATS
        if self.instance.pk and self.instance.legs.exists():
            # Entered leg by leg on "My travel": whatever is posted for these is ignored.
            for name in TRAVEL_SUMMARY_FIELDS:
                del self.fields[name]
        if not self.instance.photo:
            del self.fields["remove_photo"]
        self.fields["photo_consent"].initial = photo_consent_initial(self.instance.photo_consent)
        self.reencoded_photo: ContentFile | None = None

    @property
    def programme(self) -> Programme:
        return self.instance.programme

    def clean_passport_expiry(self) -> date | None:
        expiry = self.cleaned_data["passport_expiry"]
        if expiry and expiry < self.programme.end_date:
            raise ValidationError(
                _("The passport must be valid until the programme's last day (%(day)s).")
                % {"day": date_format(self.programme.end_date, DATE_DISPLAY)}
            )
        return expiry

    def clean_photo(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("photo")
        if isinstance(upload, UploadedFile):
            # Raises ValidationError for non-images, oversized files and decompression bombs.
            self.reencoded_photo = reencode_image(upload, kind=PHOTO)
        return upload

    def clean(self) -> dict:
        cleaned = super().clean()
        first, last = travel_window(self.programme)
        tz = self.programme.tzinfo
        for name in ("arrival_at", "departure_at"):
            moment = cleaned.get(name)
            if moment and not first <= timezone.localtime(moment, tz).date() <= last:
                self.add_error(
                    name,
                    _("Travel dates must fall between %(first)s and %(last)s.")
                    % {
                        "first": date_format(first, DATE_DISPLAY),
                        "last": date_format(last, DATE_DISPLAY),
                    },
                )
        arrival, departure = cleaned.get("arrival_at"), cleaned.get("departure_at")
        if arrival and departure and departure <= arrival:
            self.add_error("departure_at", _("The departure must be after the arrival."))
        return cleaned

    def _update_errors(self, errors: ValidationError) -> None:
        # Participant.clean also checks registration facts (an international delegate's
        # country, a domestic one's region) that only organisers can change: the participant
        # must not be blocked from saving their own details by them.
        if hasattr(errors, "error_dict"):
            errors = ValidationError(
                {
                    field: messages
                    for field, messages in errors.error_dict.items()
                    if field == NON_FIELD_ERRORS or field in self.fields
                }
            )
            if not errors.error_dict:
                return
        super()._update_errors(errors)

    def save(self, commit: bool = True) -> Participant:
        participant = super().save(commit=False)
        if commit:
            participant.save()
            self.save_photo(participant)
            photo_consent = self.cleaned_data.get("photo_consent")
            if photo_consent is not None:
                change_photo_consent(participant=participant, photo_consent=photo_consent)
            announce(participant.programme, UPDATED, [participant.pk])
        return participant

    def save_photo(self, participant: Participant) -> None:
        if self.reencoded_photo is not None:
            # The file name is fixed per participant: remove the old file first, or storage
            # would keep it and save the new one under another name.
            if participant.photo:
                participant.photo.delete(save=False)
            participant.photo.save("photo.jpg", self.reencoded_photo, save=True)
        elif self.cleaned_data.get("remove_photo") and participant.photo:
            participant.photo.delete(save=True)
