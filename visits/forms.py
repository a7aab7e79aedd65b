"""Forms of the staff timetable, sites and site-visit logistics.

Times are typed as wall-clock times of the programme's time zone (a date and a start and end
time, since an item never spans midnight); the item form turns them into aware datetimes.
"""

from datetime import date

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from programs.languages import label_local_fields
from programs.models import Programme
from programs.uploads import MATERIAL, check_upload_size, with_limit

from .models import Session, SessionMaterial, Site, Vehicle, VisitGroup
from .services import at_local_time, programme_days


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format="%H:%M")


class SiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Site) -> str:
        return f"{obj.name} ({obj.city})"


class ItemForm(forms.ModelForm):
    """An agenda item; `day`, `start_time` and `end_time` are local to the programme."""

    day = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput())
    end_time = forms.TimeField(label=_("End time"), widget=TimeInput())
    site = SiteChoiceField(
        label=capfirst(_("site")),
        queryset=Site.objects.order_by("name", "city"),
        required=False,
        help_text=_("Required for a site visit."),
    )
    capacity = forms.IntegerField(
        label=capfirst(_("capacity")),
        min_value=1,
        required=False,
        help_text=_("Most participants the item can take; empty for no limit."),
    )
    departs_time = forms.TimeField(label=_("Departure time"), required=False, widget=TimeInput())
    returns_time = forms.TimeField(label=_("Return time"), required=False, widget=TimeInput())

    fieldsets = [
        (_("What"), ["kind", "title_en", "title_local"]),
        (_("When"), ["day", "start_time", "end_time"]),
        (_("Where"), ["site", "room", "capacity"]),
        (_("Speakers"), ["speakers", "speaker_participants"]),
        (_("Description"), ["description_en", "description_local"]),
        (_("Transport for a site visit"), ["departure_point", "departs_time", "returns_time"]),
    ]

    class Meta:
        model = Session
        fields = [
            "kind",
            "title_en",
            "title_local",
            "site",
            "room",
            "capacity",
            "speakers",
            "speaker_participants",
            "description_en",
            "description_local",
            "departure_point",
        ]
        widgets = {
            "description_en": forms.Textarea(attrs={"rows": 3}),
            "description_local": forms.Textarea(attrs={"rows": 3}),
            "speaker_participants": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(
        self, *args, programme: Programme, initial_day: date | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        label_local_fields(
            self,
            {
                "title_local": _("Title (%(language)s)"),
                "description_local": _("Description (%(language)s)"),
            },
            programme.content_language,
        )
        self.fields["speaker_participants"].queryset = programme.participants.all()
        self.fields["speaker_participants"].help_text = _(
            "Participants who speak; hold Ctrl (or ⌘) to choose several."
        )
        item = self.instance
        if item.pk:
            start, end = programme.to_local(item.starts_at), programme.to_local(item.ends_at)
            self.initial.update(day=start.date(), start_time=start.time(), end_time=end.time())
            if item.departs_at:
                self.initial["departs_time"] = programme.to_local(item.departs_at).time()
            if item.returns_at:
                self.initial["returns_time"] = programme.to_local(item.returns_at).time()
        else:
            self.initial.setdefault("day", initial_day or programme.start_date)
        self.fields["title_en"].widget.attrs["autofocus"] = True

    def fieldset_list(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.fieldsets]

    def clean(self) -> dict:
        cleaned = super().clean()
        day = cleaned.get("day")
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if day and start and end:
            if end <= start:
                self.add_error("end_time", _("The end must be after the start."))
            else:
                # Set here, not in save(): the model's own validation then sees the times.
                self.instance.starts_at = at_local_time(self.programme, day, start)
                self.instance.ends_at = at_local_time(self.programme, day, end)
        departs, returns = cleaned.get("departs_time"), cleaned.get("returns_time")
        if departs and returns and returns <= departs:
            self.add_error("returns_time", _("The return must be after the departure."))
        elif day:
            self.instance.departs_at = (
                at_local_time(self.programme, day, departs) if departs else None
            )
            self.instance.returns_at = (
                at_local_time(self.programme, day, returns) if returns else None
            )
        return cleaned


class MoveForm(forms.Form):
    """A new day and/or start time for an item; what is left empty stays as it was."""

    day = forms.DateField(label=_("New date"), required=False, widget=DateInput())
    start_time = forms.TimeField(label=_("New start time"), required=False, widget=TimeInput())

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.errors and not cleaned.get("day") and not cleaned.get("start_time"):
            raise forms.ValidationError(_("Give a new date, a new start time or both."))
        return cleaned


class DuplicateDayForm(forms.Form):
    to_day = forms.TypedChoiceField(label=_("Copy to"), coerce=date.fromisoformat)

    def __init__(self, *args, programme: Programme, from_day: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_day"].choices = [
            (day.isoformat(), date_format(day, "l j F Y"))
            for day in programme_days(programme)
            if day != from_day
        ]


class SiteForm(forms.ModelForm):
    latitude = forms.DecimalField(
        label=capfirst(_("latitude")),
        required=False,
        min_value=-90,
        max_value=90,
        max_digits=9,
        decimal_places=6,
        help_text=_("Decimal degrees, for example -6.181300."),
    )
    longitude = forms.DecimalField(
        label=capfirst(_("longitude")),
        required=False,
        min_value=-180,
        max_value=180,
        max_digits=9,
        decimal_places=6,
        help_text=_("Decimal degrees, for example 106.827200."),
    )
    capacity = forms.IntegerField(
        label=capfirst(_("capacity")),
        required=False,
        min_value=1,
        help_text=_("How many visitors the site can host."),
    )

    class Meta:
        model = Site
        fields = [
            "name",
            "kind",
            "address",
            "district",
            "city",
            "latitude",
            "longitude",
            "capacity",
            "description",
            "host_contact_name",
            "host_contact_phone",
            "host_contact_email",
            "accessibility_notes",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "accessibility_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self) -> dict:
        cleaned = super().clean()
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if "latitude" not in self.errors and "longitude" not in self.errors:
            if latitude is None and longitude is not None:
                self.add_error("latitude", _("Give both latitude and longitude, or neither."))
            elif longitude is None and latitude is not None:
                self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        name, city = cleaned.get("name"), cleaned.get("city")
        if name and city:
            duplicates = Site.objects.filter(name__iexact=name, city__iexact=city)
            if self.instance.pk:
                duplicates = duplicates.exclude(pk=self.instance.pk)
            if duplicates.exists():
                self.add_error(
                    "name",
                    _("There is already a site called “%(name)s” in %(city)s.")
                    % {"name": name, "city": city},
                )
        return cleaned


class _ItemChildForm(forms.ModelForm):
    """A group or vehicle of an item, named uniquely (whatever the case) within the item."""

    # The item's children of this kind, and the message for a name already taken.
    related_name: str
    duplicate_message: str

    def __init__(self, *args, session: Session, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.session = session
        self.instance.session = session

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = getattr(self.session, self.related_name).filter(name__iexact=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(self.duplicate_message % {"name": name})
        return name


class GroupForm(_ItemChildForm):
    capacity = forms.IntegerField(label=capfirst(_("capacity")), min_value=1)
    related_name = "groups"
    duplicate_message = _("This item already has a group called “%(name)s”.")

    class Meta:
        model = VisitGroup
        fields = ["name", "capacity", "guide_name", "guide_phone"]

    def clean_capacity(self) -> int:
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk:
            assigned = self.instance.assignments.count()
            if capacity < assigned:
                raise forms.ValidationError(
                    ngettext(
                        "%(count)d person is assigned; capacity cannot be below %(count)d.",
                        "%(count)d people are assigned; capacity cannot be below %(count)d.",
                        assigned,
                    )
                    % {"count": assigned}
                )
        return capacity


class VehicleForm(_ItemChildForm):
    seats = forms.IntegerField(label=capfirst(_("seats")), min_value=1)
    related_name = "vehicles"
    duplicate_message = _("This item already has a vehicle called “%(name)s”.")

    class Meta:
        model = Vehicle
        fields = ["name", "kind", "seats", "plate", "driver_name", "driver_phone"]


class MaterialForm(forms.ModelForm):
    url = forms.URLField(
        label=capfirst(_("link")),
        required=False,
        assume_scheme="https",
        help_text=_("Or a link to slides or a document elsewhere."),
    )

    class Meta:
        model = SessionMaterial
        fields = ["title", "file", "url"]
        help_texts = {"file": with_limit(_("Up to %(limit)s."), MATERIAL)}

    def __init__(self, *args, session: Session, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.session = session

    def clean_file(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("file")
        if upload:
            check_upload_size(upload, kind=MATERIAL)
        return upload

    def clean(self) -> dict:
        cleaned = super().clean()
        has_file, has_url = bool(cleaned.get("file")), bool(cleaned.get("url"))
        if not self.errors.get("file") and not self.errors.get("url"):
            if not has_file and not has_url:
                # On the field, so that the model's own check does not repeat it.
                self.add_error("file", _("Upload a file or give a link."))
            if has_file and has_url:
                raise forms.ValidationError(_("Upload a file or give a link, not both."))
        return cleaned
