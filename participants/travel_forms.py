"""The form of a participant's travel legs, for organisers and for the delegate alike.

Times are typed as the local time of the place: the departure in the departure airport's
zone, the arrival in the arrival airport's zone (by IATA code), or the programme's zone for a
place without a code. The fields read them without a zone; the form gives each its zone once
the codes are known, and shows stored times back in the same zones.
"""

from collections.abc import Hashable, Iterable
from datetime import UTC, datetime, tzinfo
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from programs.models import Programme

from .forms import TRAVEL_INPUT_FORMATS, DateTimeLocalInput
from .models import Participant, travel_window
from .stays import airport, airport_zone, local_label
from .travel_models import TravelLeg

# More than enough for any itinerary; keeps a posted formset small.
MAX_LEGS = 12
# Each end of a leg: its time, airport code and place fields.
ENDS = (("departs_at", "from_code", "from_place"), ("arrives_at", "to_code", "to_place"))
Key = TypeVar("Key", bound=Hashable)
CODE_ATTRS = {"size": 4, "maxlength": 3, "autocapitalize": "characters", "autocomplete": "off"}


class WallClockField(forms.DateTimeField):
    """A date and time as typed, without a zone (the form gives it the zone of its place)."""

    widget = DateTimeLocalInput

    def __init__(self, **kwargs) -> None:
        super().__init__(required=False, input_formats=TRAVEL_INPUT_FORMATS, **kwargs)

    def to_python(self, value):
        # Read in UTC, which has no gaps or overlaps, then drop the zone: the wall clock stays.
        with timezone.override(UTC):
            moment = super().to_python(value)
        return moment.replace(tzinfo=None) if moment else None


def leg_zone(code: str, programme: Programme) -> tzinfo:
    """The zone of a leg's end: its airport's, else the programme's."""
    return airport_zone(code) or programme.tzinfo


def zone_label(moment: datetime) -> str:
    """ "Asia/Kathmandu, +0545": the zone's name and its abbreviation at that moment."""
    return f"{moment.tzinfo}, {moment.tzname()}"


class TravelLegForm(forms.ModelForm):
    departs_at = WallClockField(label=_("Departs (local time)"))
    arrives_at = WallClockField(label=_("Arrives (local time)"))

    class Meta:
        model = TravelLeg
        fields = [
            "direction",
            "mode",
            "carrier",
            "number",
            "from_place",
            "from_code",
            "departs_at",
            "to_place",
            "to_code",
            "arrives_at",
            "note",
        ]
        widgets = {
            "from_code": forms.TextInput(attrs=CODE_ATTRS),
            "to_code": forms.TextInput(attrs=CODE_ATTRS),
            "carrier": forms.TextInput(attrs={"autocomplete": "off"}),
            "number": forms.TextInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args, programme: Programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        # Typed with a code, the place may be left empty: the airport's city is taken.
        self.fields["from_place"].required = False
        self.fields["to_place"].required = False
        self.zones: dict[str, str] = {}
        for time_name, code_name, _place in ENDS:
            stored = getattr(self.instance, time_name)
            if stored is not None:
                local = stored.astimezone(leg_zone(getattr(self.instance, code_name), programme))
                self.initial[time_name] = local.replace(tzinfo=None)
                self.zones[time_name] = zone_label(local)
            self.fields[time_name].help_text = _(
                "As on the ticket: the local time at the airport (by its code), or in "
                "%(zone)s for a place without one."
            ) % {"zone": programme.time_zone}

    def _clean_code(self, name: str) -> str:
        code = self.cleaned_data[name].strip().upper()
        if code and airport(code) is None:
            raise ValidationError(
                _("“%(code)s” is not a known airport code: give the three letters of the ticket."),
                code="unknown_airport",
                params={"code": code},
            )
        return code

    def clean_from_code(self) -> str:
        return self._clean_code("from_code")

    def clean_to_code(self) -> str:
        return self._clean_code("to_code")

    def clean(self) -> dict:
        cleaned = super().clean()
        first, last = travel_window(self.programme)
        for time_name, code_name, place_name in ENDS:
            if code_name in self.errors:
                continue
            code = cleaned.get(code_name, "")
            if not cleaned.get(place_name):
                if code:
                    cleaned[place_name] = airport(code)["city"] or airport(code)["name"]
                else:
                    self.add_error(place_name, _("Give the place or its airport code."))
            wall_clock = cleaned.get(time_name)
            if wall_clock is None:
                continue
            moment = wall_clock.replace(tzinfo=leg_zone(code, self.programme))
            if not first <= moment.date() <= last:
                self.add_error(
                    time_name,
                    _("Choose a day between %(first)s and %(last)s.")
                    % {"first": date_format(first), "last": date_format(last)},
                )
                continue
            # Stored in UTC, like every time of the project.
            cleaned[time_name] = moment.astimezone(UTC)
        departs, arrives = cleaned.get("departs_at"), cleaned.get("arrives_at")
        # Both in UTC by now unless one was refused above.
        if departs and arrives and departs.tzinfo and arrives.tzinfo and arrives <= departs:
            self.add_error("arrives_at", _("The leg must arrive after it departs."))
        return cleaned


# The host-end rule's messages: on the early departure's time, and for the whole journey.
HOME_TOO_EARLY = _("The journey home must leave after the last arrival.")
HOME_TOO_EARLY_DETAILS = _(
    "The first departure (%(leaves)s) is not after the last arrival (%(landed)s)."
)


def early_departure(legs: Iterable[tuple[Key, str, datetime | None, datetime | None]]):
    """The host-end rule: the journey home leaves after the last arrival lands.

    `legs` are (key, direction, departs, arrives), times in UTC. Returns (key of the first
    departure leg, its departure, the last landing) when that leg leaves too early, else None.
    """
    legs = list(legs)
    landings = [
        arrives
        for _key, direction, _departs, arrives in legs
        if direction == TravelLeg.Direction.ARRIVAL and arrives
    ]
    leavings = [
        (departs, key)
        for key, direction, departs, _arrives in legs
        if direction == TravelLeg.Direction.DEPARTURE and departs
    ]
    if not landings or not leavings:
        return None
    landed = max(landings)
    leaves, key = min(leavings, key=lambda leaving: leaving[0])
    return None if leaves > landed else (key, leaves, landed)


class BaseTravelLegFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        """The journey home leaves after the last arrival lands (the host ends, see stays)."""
        super().clean()
        if any(self.errors):
            return
        kept = [f for f in self.forms if f.cleaned_data and not self._should_delete_form(f)]
        found = early_departure(
            (
                index,
                form.cleaned_data["direction"],
                form.cleaned_data.get("departs_at"),
                form.cleaned_data.get("arrives_at"),
            )
            for index, form in enumerate(kept)
        )
        if found is None:
            return
        index, leaves, landed = found
        kept[index].add_error("departs_at", HOME_TOO_EARLY)
        programme = self.instance.programme
        raise ValidationError(
            HOME_TOO_EARLY_DETAILS,
            params={
                "leaves": local_label(leaves, programme.tzinfo),
                "landed": local_label(landed, programme.tzinfo),
            },
        )


TravelLegFormSet = inlineformset_factory(
    Participant,
    TravelLeg,
    form=TravelLegForm,
    formset=BaseTravelLegFormSet,
    extra=2,
    max_num=MAX_LEGS,
    validate_max=True,
    can_delete=True,
)


def travel_formset(participant: Participant, data=None) -> BaseTravelLegFormSet:
    """The participant's legs, with one empty arrival and one empty departure to add."""
    return TravelLegFormSet(
        data,
        instance=participant,
        prefix="legs",
        form_kwargs={"programme": participant.programme},
        initial=[
            {"direction": TravelLeg.Direction.ARRIVAL},
            {"direction": TravelLeg.Direction.DEPARTURE},
        ],
    )
