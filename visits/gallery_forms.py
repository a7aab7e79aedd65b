from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from participants.models import Participant
from programs.images import reencode_image
from programs.models import Programme
from programs.uploads import PHOTO, with_limit

from .models import SessionPhoto


def _person_label(participant: Participant) -> str:
    if participant.photo_consent is False:
        return gettext("%(name)s (refused photos)") % {"name": participant.display_name}
    return participant.display_name


def _offer_people(form: forms.ModelForm, programme: Programme) -> None:
    """The `people` field lists the programme's participants, refusals marked."""
    people = form.fields["people"]
    # Withdrawn people too: they may be in photos taken before they left.
    people.queryset = programme.participants.only(
        "pk", "full_name", "full_name_latin", "photo_consent"
    )
    people.label_from_instance = _person_label
    people.help_text = gettext(
        "Participants who can be recognised. A photo showing someone who refused photo "
        "consent stays out of the gallery and the closing report."
    )


# Long enough for print in the closing report, small enough to keep the gallery and PDFs light.
PHOTO_MAX_SIDE = 1600


class PhotoUploadForm(forms.ModelForm):
    """A documentation photo: checked by its content, then re-encoded as a JPEG."""

    # A plain file field: the image checks (content, size, pixels) all happen in
    # `reencode_image`, before Pillow is asked to decode anything large.
    image = forms.FileField(
        label=_("Photo"),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
        help_text=with_limit(_("JPEG, PNG, WebP or GIF, up to %(limit)s."), PHOTO),
    )
    taken_at = forms.DateTimeField(
        label=_("Taken at"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    class Meta:
        model = SessionPhoto
        fields = ["image", "caption", "photographer", "taken_at", "consent_to_publish", "people"]

    def __init__(self, *args, programme: Programme, **kwargs) -> None:
        self.programme = programme
        super().__init__(*args, **kwargs)
        self.fields["taken_at"].help_text = gettext("In the programme's time zone (%(zone)s).") % {
            "zone": programme.time_zone
        }
        _offer_people(self, programme)

    def full_clean(self) -> None:
        # Typed times are wall-clock times of the programme, wherever the uploader is.
        with timezone.override(self.programme.tzinfo):
            super().full_clean()

    def clean_image(self) -> ContentFile:
        upload = self.cleaned_data["image"]
        try:
            return reencode_image(upload, kind=PHOTO, max_side=PHOTO_MAX_SIDE)
        except ValidationError as error:
            raise ValidationError(error.messages) from error


class PhotoPeopleForm(forms.ModelForm):
    """Who is shown in a photo already uploaded."""

    class Meta:
        model = SessionPhoto
        fields = ["people"]

    def __init__(self, *args, programme: Programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _offer_people(self, programme)
