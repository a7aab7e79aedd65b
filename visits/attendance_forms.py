from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from participants.forms import EmailOncePerProgrammeMixin
from participants.models import Participant
from programs.models import MemberCountry, Programme

from .assignments import MAX_GROUPS, booking_for_badge
from .attendance_marks import check_mark_time
from .models import Assignment, Session, Vehicle, VisitGroup
from .withdrawals import replaceable_by


class _GroupAndVehicleFields(forms.Form):
    """The optional group and vehicle of an item, limited to that item's own."""

    group = forms.ModelChoiceField(
        label=_("Group"), queryset=VisitGroup.objects.none(), required=False, empty_label=_("None")
    )
    vehicle = forms.ModelChoiceField(
        label=_("Vehicle"), queryset=Vehicle.objects.none(), required=False, empty_label=_("None")
    )

    def __init__(self, *args, session: Session, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.session = session
        self.fields["group"].queryset = session.groups.all()
        self.fields["vehicle"].queryset = session.vehicles.all()


class AssignForm(_GroupAndVehicleFields):
    """Who to book on an item: everyone, a category, a member country or hand-picked people.

    The submit button pressed gives the `mode`, so ticking boxes and then pressing "Add
    everyone" cannot be mistaken for a hand-picked booking.
    """

    MODES = [
        ("all", _("Everyone")),
        ("category", _("A category")),
        ("country", _("A member country")),
        ("pick", _("Hand-picked participants")),
    ]

    mode = forms.ChoiceField(choices=MODES, widget=forms.HiddenInput)
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", "---------"), *Participant.Category.choices],
        required=False,
    )
    country = forms.ModelChoiceField(
        label=_("Member country"), queryset=MemberCountry.objects.none(), required=False
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"),
        queryset=Participant.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, programme: Programme, session: Session, **kwargs) -> None:
        super().__init__(*args, session=session, **kwargs)
        self.programme = programme
        self.fields["country"].queryset = MemberCountry.objects.filter(
            participants__programme=programme
        ).distinct()
        self.fields["participants"].queryset = programme.participants.all()

    def clean(self) -> dict:
        cleaned = super().clean()
        mode = cleaned.get("mode")
        if mode == "category" and not cleaned.get("category"):
            self.add_error("category", _("Choose a category."))
        elif mode == "country" and not cleaned.get("country"):
            self.add_error("country", _("Choose a member country."))
        elif mode == "pick" and not cleaned.get("participants"):
            self.add_error("participants", _("Tick at least one participant."))
        return cleaned

    def selection(self) -> QuerySet[Participant]:
        """The chosen participants, withdrawn and declined included (the service skips them)."""
        mode = self.cleaned_data["mode"]
        participants = self.programme.participants.all()
        if mode == "category":
            return participants.filter(category=self.cleaned_data["category"])
        if mode == "country":
            return participants.filter(country=self.cleaned_data["country"])
        if mode == "pick":
            return participants.filter(pk__in=[p.pk for p in self.cleaned_data["participants"]])
        return participants


class MoveForm(_GroupAndVehicleFields):
    """Another group and vehicle for one booking of the item."""

    assignment = forms.ModelChoiceField(
        queryset=Assignment.objects.none(), widget=forms.HiddenInput
    )

    def __init__(self, *args, session: Session, **kwargs) -> None:
        super().__init__(*args, session=session, **kwargs)
        self.fields["assignment"].queryset = session.assignments.select_related("participant")
        self.fields["assignment"].error_messages["invalid_choice"] = _(
            "This participant is no longer booked on this item."
        )


class SplitForm(forms.Form):
    group_count = forms.IntegerField(
        label=_("Number of groups"), min_value=1, max_value=MAX_GROUPS, initial=2
    )
    capacity = forms.IntegerField(label=_("People per group at most"), min_value=1, initial=10)
    replace = forms.BooleanField(
        label=_("Replace the current groups"),
        required=False,
        help_text=_("Deletes the item's groups, with their guides, before splitting."),
    )


class MarkForm(forms.Form):
    """Present, absent or not recorded, for one booking of the item."""

    STATUSES = {"present": True, "absent": False, "clear": None}

    assignment = forms.ModelChoiceField(
        queryset=Assignment.objects.none(), widget=forms.HiddenInput
    )
    status = forms.ChoiceField(
        choices=[("present", _("Present")), ("absent", _("Absent")), ("clear", _("Not recorded"))],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, session: Session, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = session.assignments.select_related(
            "participant", "participant__country", "participant__province", "group", "vehicle"
        )
        self.fields["assignment"].error_messages["invalid_choice"] = _(
            "This participant is no longer booked on this item."
        )

    @property
    def attended(self) -> bool | None:
        return self.STATUSES[self.cleaned_data["status"]]


class SyncMarkForm(forms.Form):
    """One mark sent from a device's queue, as JSON: its key, the booking (by its id, or by the
    badge code that was scanned), present (true), absent (false) or cleared (null), and when it
    was made (ISO 8601 with the offset from UTC)."""

    key = forms.UUIDField()
    assignment = forms.IntegerField(required=False)
    badge = forms.CharField(required=False, max_length=300)
    attended = forms.NullBooleanField(required=False)
    marked_at = forms.CharField(max_length=40)

    def __init__(self, *args, session: Session, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.session = session

    def clean_attended(self) -> bool | None:
        # JSON's own values only: a missing or misspelt value must not clear a mark.
        value = self.data.get("attended", "")
        if value is not True and value is not False and value is not None:
            raise ValidationError(_("Give true (present), false (absent) or null (not recorded)."))
        return value

    def clean_marked_at(self):
        try:
            value = parse_datetime(self.cleaned_data["marked_at"])
        except ValueError:
            value = None
        if value is None or value.tzinfo is None:
            raise ValidationError(
                _("Give the time the mark was made as an ISO 8601 date and time with its offset.")
            )
        check_mark_time(value)
        return value

    def clean(self) -> dict:
        cleaned = super().clean()
        if "assignment" in self.errors or "badge" in self.errors:
            return cleaned
        assignment_id, badge = cleaned.get("assignment"), cleaned.get("badge")
        if (assignment_id is None) == (not badge):
            raise ValidationError(_("Give the booking or the badge code, one of the two."))
        if badge:
            try:
                cleaned["booking"] = booking_for_badge(session=self.session, code=badge)
            except ValidationError as error:
                self.add_error("badge", error)
            return cleaned
        cleaned["booking"] = (
            self.session.assignments.filter(pk=assignment_id)
            .select_related("participant", "session__programme")
            .first()
        )
        if cleaned["booking"] is None:
            self.add_error("assignment", _("This participant is no longer booked on this item."))
        return cleaned


class ScanForm(forms.Form):
    code = forms.CharField(
        label=_("Badge code"),
        max_length=300,
        help_text=_("Scan the badge's QR code, or type its code, then press Enter."),
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "off",
                "autocorrect": "off",
                "spellcheck": "false",
                "enterkeyhint": "go",
            }
        ),
    )


class ReplacementChoiceForm(forms.Form):
    """An invited participant of the same delegation who takes the withdrawn delegate's seat."""

    existing = forms.ModelChoiceField(
        label=_("Registered participant"), queryset=Participant.objects.none()
    )

    def __init__(self, *args, withdrawn: Participant, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["existing"].queryset = replaceable_by(withdrawn)


class NewReplacementForm(EmailOncePerProgrammeMixin, forms.ModelForm):
    """A new participant for the withdrawn delegate's seat: category and country are theirs."""

    class Meta:
        model = Participant
        fields = ["full_name", "full_name_latin", "gender", "email", "position", "institution"]
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "off"})}

    def __init__(self, *args, withdrawn: Participant, **kwargs) -> None:
        kwargs["instance"] = Participant(
            programme=withdrawn.programme,
            category=withdrawn.category,
            country=withdrawn.country,
        )
        super().__init__(*args, **kwargs)
