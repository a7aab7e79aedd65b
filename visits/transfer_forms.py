"""Forms of the airport transfers: a proposed run, a run's details, a passenger to add.

Pick-up times are typed as a date and a wall-clock time of the programme's time zone.
"""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from participants.models import Participant, by_readable_name
from participants.queries import INACTIVE_STATUSES
from programs.models import Programme

from .forms import DateInput, TimeInput
from .services import at_local_time
from .transfer_models import TransferRun

AIRPORT_CODE_ERROR = _("Enter the airport's three-letter IATA code, e.g. “CGK”.")


def _clean_airport_code(value: str) -> str:
    code = (value or "").strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise forms.ValidationError(AIRPORT_CODE_ERROR)
    return code


class ProposalForm(forms.Form):
    """A proposed run, made with one click: its passengers and time come from the proposal,
    the vehicle and seats may be changed before."""

    direction = forms.ChoiceField(choices=TransferRun.Direction.choices, widget=forms.HiddenInput)
    airport_code = forms.CharField(max_length=4, widget=forms.HiddenInput)
    pickup_at = forms.DateTimeField(widget=forms.HiddenInput)
    participants = forms.ModelMultipleChoiceField(
        queryset=Participant.objects.none(), widget=forms.MultipleHiddenInput
    )
    vehicle = forms.CharField(label=capfirst(_("vehicle")), max_length=120)
    seats = forms.IntegerField(label=capfirst(_("seats")), min_value=1, max_value=100)

    def __init__(self, *args, programme: Programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = programme.participants.all()

    def clean_airport_code(self) -> str:
        return _clean_airport_code(self.cleaned_data.get("airport_code"))


class RunForm(forms.ModelForm):
    """A run's details; `day` and `time` are local to the programme."""

    day = forms.DateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(label=_("Pick-up time"), widget=TimeInput())
    seats = forms.IntegerField(label=capfirst(_("seats")), min_value=1, max_value=100)

    class Meta:
        model = TransferRun
        fields = [
            "airport_code",
            "airport_name",
            "vehicle",
            "seats",
            "driver_name",
            "driver_phone",
            "note",
        ]

    field_order = ["day", "time", *Meta.fields]

    def __init__(self, *args, programme: Programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["airport_name"].help_text = _("Left empty: the name of the airport's code.")
        if self.instance.pk:
            local = programme.to_local(self.instance.pickup_at)
            self.initial.setdefault("day", local.date())
            self.initial.setdefault("time", local.time().replace(second=0, microsecond=0))

    def clean_airport_code(self) -> str:
        return _clean_airport_code(self.cleaned_data.get("airport_code"))

    def changes(self) -> dict:
        """The run's fields as the form sets them, for visits.transfers.update_run."""
        data = self.cleaned_data
        changes = {name: data[name] for name in self.Meta.fields}
        changes["pickup_at"] = at_local_time(self.programme, data["day"], data["time"])
        return changes


class PassengerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Participant) -> str:
        return f"{obj.display_name} ({obj.origin})" if obj.origin else obj.display_name


class AddPassengerForm(forms.Form):
    participant = PassengerChoiceField(
        label=capfirst(_("participant")), queryset=Participant.objects.none()
    )

    def __init__(self, *args, run: TransferRun, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Active participants not yet on a run of this direction.
        self.fields["participant"].queryset = (
            run.programme.participants.exclude(status__in=INACTIVE_STATUSES)
            .exclude(transfers__direction=run.direction)
            .select_related("country", "province")
            .order_by(*by_readable_name())
        )
