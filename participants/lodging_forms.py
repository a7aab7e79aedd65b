"""Forms of the accommodation pages: hotels, room types with their block, a participant's room."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from programs.models import Programme

from .forms import DateInput
from .lodging_models import Hotel, LodgingRule, RoomAssignment, RoomType


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format="%H:%M")


class HotelForm(forms.ModelForm):
    class Meta:
        model = Hotel
        fields = [
            "name",
            "address",
            "phone",
            "email",
            "contact_name",
            "check_in",
            "check_out",
            "note",
        ]
        widgets = {
            "check_in": TimeInput(),
            "check_out": TimeInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"type": "tel"}),
        }


class RoomTypeForm(forms.ModelForm):
    """A room type and, optionally, the rooms the hotel holds of it on a run of nights."""

    block_first_night = forms.DateField(
        label=_("Block: first night"), required=False, widget=DateInput()
    )
    block_last_night = forms.DateField(
        label=_("Block: last night"), required=False, widget=DateInput()
    )
    block_rooms = forms.IntegerField(
        label=_("Rooms held each of those nights"),
        required=False,
        min_value=0,
        max_value=999,
        help_text=_("0 removes the block on those nights."),
    )

    class Meta:
        model = RoomType
        fields = ["name", "beds"]

    def clean(self) -> dict:
        data = super().clean()
        first, last = data.get("block_first_night"), data.get("block_last_night")
        rooms = data.get("block_rooms")
        given = [value is not None for value in (first, last, rooms)]
        if any(given) and not all(given):
            raise ValidationError(
                _("For a block, give its first night, its last night and the rooms held.")
            )
        if first and last and last < first:
            self.add_error(
                "block_last_night", _("The last night cannot be before the first night.")
            )
        return data

    @property
    def block(self) -> tuple | None:
        data = self.cleaned_data
        if data.get("block_rooms") is None:
            return None
        return data["block_first_night"], data["block_last_night"], data["block_rooms"]


class SharingRuleForm(forms.ModelForm):
    class Meta:
        model = LodgingRule
        fields = ["sharing"]


class RoomAssignmentForm(forms.ModelForm):
    """A participant's room; nights left empty are taken from their travel."""

    class Meta:
        model = RoomAssignment
        fields = ["room_type", "room_label", "first_night", "last_night", "note"]
        widgets = {"first_night": DateInput(), "last_night": DateInput()}
        help_texts = {
            "first_night": _("Leave empty to take the nights from the travel."),
            "last_night": _("The night before the departure."),
        }

    def __init__(self, *args, programme: Programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only this programme's room types: another programme's id is a field error.
        self.fields["room_type"].queryset = RoomType.objects.filter(
            hotel__programme=programme
        ).select_related("hotel")
        self.fields["first_night"].required = False
        self.fields["last_night"].required = False

    def _post_clean(self) -> None:
        # The assignment is saved by participants.lodging.assign_room, which checks it.
        pass
