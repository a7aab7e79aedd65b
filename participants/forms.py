"""The organisers' participant form.

Datetimes are entered as wall-clock times of the programme's time zone: the view activates
that zone (`timezone.override`) while it binds, validates and renders the form.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from programs.forms import HostRegionField
from programs.images import reencode_image
from programs.models import MemberCountry, Programme
from programs.regions import uses_provinces
from programs.uploads import PHOTO

from .models import Participant, normalise_passport_number, travel_window

FIELDSETS = [
    (
        _("Identity"),
        [
            "category",
            "status",
            "full_name",
            "full_name_latin",
            "certificate_name",
            "gender",
            "photo",
        ],
    ),
    (
        _("Origin"),
        ["country", "host_region", "region", "position", "institution", "nationality"],
    ),
    (_("Contact"), ["email", "phone"]),
    (
        _("Passport"),
        [
            "passport_number",
            "passport_expiry",
            "date_of_birth",
            "place_of_birth",
            "passport_locked",
        ],
    ),
    (
        _("Travel and stay"),
        [
            "arrival_at",
            "arrival_details",
            "departure_at",
            "departure_details",
            "accommodation",
        ],
    ),
    (_("Needs"), ["dietary_needs", "accessibility_needs"]),
    (
        _("Emergency contact"),
        ["emergency_contact_name", "emergency_contact_phone", "emergency_contact_relation"],
    ),
]

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class PassportNumberMixin:
    """The passport check of every form that edits one participant of `self.programme`."""

    def clean_passport_number(self) -> str:
        number = normalise_passport_number(self.cleaned_data["passport_number"])
        if (
            number
            and self.programme.participants.filter(passport_number=number)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            raise ValidationError(
                _("Another participant of this programme has this passport number.")
            )
        return number


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format=DATETIME_LOCAL)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


# The inputs of the fields that both participant forms (the organisers' and the
# participant's own) show.
PARTICIPANT_WIDGETS = {
    "passport_expiry": DateInput(),
    "date_of_birth": DateInput(),
    "arrival_at": DateTimeLocalInput(),
    "departure_at": DateTimeLocalInput(),
    "phone": forms.TextInput(attrs={"type": "tel"}),
    "emergency_contact_phone": forms.TextInput(attrs={"type": "tel"}),
}
TRAVEL_INPUT_FORMATS = [DATETIME_LOCAL, "%Y-%m-%d %H:%M"]


class StoredPhoto:
    """The current photo as the file input shows it: linked through the checked photo view.

    The stored file's own URL must not appear: media files are not permission-checked.
    """

    def __init__(self, url: str) -> None:
        self.url = url

    def __str__(self) -> str:
        return "photo.jpg"


class ParticipantForm(PassportNumberMixin, forms.ModelForm):
    """Every field an organiser edits; the status only when the participant is created."""

    # Not a model-bound ImageField: the upload goes through `reencode_image`, and the view
    # stores it once the participant has a primary key (the file path contains it).
    photo = forms.FileField(
        label=capfirst(_("photo")),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("JPEG, PNG or WebP; it is resized to 600 pixels."),
    )

    class Meta:
        model = Participant
        fields = [
            name
            for _legend, names in FIELDSETS
            for name in names
            if name not in ("photo", "host_region")
        ]
        widgets = {
            **PARTICIPANT_WIDGETS,
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args, programme: Programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.instance.programme = programme
        if self.instance.pk:
            # The status moves only through the workflow, which records who moved it.
            del self.fields["status"]
            if self.instance.photo:
                self.initial["photo"] = StoredPhoto(
                    reverse("participants:photo", args=[programme.slug, self.instance.pk])
                )
        # Former members stay selectable for the people already registered from them.
        self.fields["country"].queryset = MemberCountry.objects.filter(
            Q(is_active=True) | Q(pk=self.instance.country_id)
        )
        self.fields["host_region"] = HostRegionField(programme, self.instance)
        self.order_fields([name for _legend, names in FIELDSETS for name in names])
        if not uses_provinces(programme.host_country):
            self.fields["region"].label = _("Locality")
        for name in ("arrival_at", "departure_at"):
            self.fields[name].input_formats = TRAVEL_INPUT_FORMATS
            self.fields[name].help_text = _("Local time in %(zone)s.") % {
                "zone": programme.time_zone
            }

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in FIELDSETS
        ]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if (
            email
            and self.programme.participants.filter(email__iexact=email)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            raise ValidationError(_("Another participant of this programme has this address."))
        return email

    def clean_passport_expiry(self):
        expiry = self.cleaned_data["passport_expiry"]
        if expiry and expiry < self.programme.end_date:
            raise ValidationError(
                _("The passport expires before the programme ends (%(end)s).")
                % {"end": date_format(self.programme.end_date)}
            )
        return expiry

    def _clean_travel_moment(self, name: str):
        moment = self.cleaned_data[name]
        if moment is None:
            return moment
        day = timezone.localtime(moment, self.programme.tzinfo).date()
        first, last = travel_window(self.programme)
        if not first <= day <= last:
            raise ValidationError(
                _("Choose a day between %(first)s and %(last)s.")
                % {"first": date_format(first), "last": date_format(last)}
            )
        return moment

    def clean_arrival_at(self):
        return self._clean_travel_moment("arrival_at")

    def clean_departure_at(self):
        return self._clean_travel_moment("departure_at")

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if isinstance(photo, UploadedFile):
            return reencode_image(photo, kind=PHOTO)
        return photo

    def clean(self) -> dict:
        cleaned = super().clean()
        self.fields["host_region"].record(self.instance, cleaned.get("host_region"))
        arrival, departure = cleaned.get("arrival_at"), cleaned.get("departure_at")
        if arrival and departure and departure <= arrival:
            self.add_error("departure_at", _("The departure must come after the arrival."))
        return cleaned
