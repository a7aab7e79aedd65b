from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .images import reencode_image
from .languages import DEFAULT_CONTENT_LANGUAGE, content_language_choices, label_local_fields
from .models import Delegation, MemberCountry, Programme, ProgrammeMembership
from .regions import Region, regions_of
from .sdg import target_choices, target_order
from .services import user_with_email
from .timezones import time_zone_choices
from .uploads import LOGO, with_limit

T = TypeVar("T")

LOGO_MAX_SIDE = 600
# Who issues and signs the programme's visa support letters and what they say.
VISA_LETTER_FIELDS = [
    "visa_issuing_authority",
    "visa_signatory_name",
    "visa_signatory_title",
    "visa_funding_statement",
    "visa_show_stay_dates",
    "visa_show_birth_details",
]


class LogoInput(forms.ClearableFileInput):
    """Shows the current logo itself, through the permission-checked view, not its file path."""

    template_name = "programs/widgets/logo_input.html"
    logo_url = ""

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["logo_url"] = self.logo_url
        return context


class SdgTargetsInput(forms.CheckboxSelectMultiple):
    """The 169 targets as checkboxes under their 17 goals, each goal folded away unless it
    holds a chosen target: a long list stays short to scroll through on a phone."""

    template_name = "programs/widgets/sdg_targets.html"

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["goals"] = [
            {
                "title": group,
                "options": options,
                "chosen": sum(1 for option in options if option["selected"]),
            }
            for group, options, _index in context["widget"]["optgroups"]
        ]
        return context


# (legend, field names): the template renders one fieldset per group.
PROGRAMME_FIELDSETS = [
    (
        _("Name"),
        [
            "content_language",
            "title_en",
            "title_local",
            "short_name_en",
            "short_name_local",
            "theme_en",
            "theme_local",
        ],
    ),
    (_("Dates"), ["start_date", "end_date", "time_zone"]),
    (
        _("Host and venue"),
        ["host_country", "host_institution", "host_short_name", "host_address", "venue_city"],
    ),
    (_("Partners and cooperation"), ["partners", "cooperation_framework"]),
    (
        _("Expected participants"),
        ["expected_international", "expected_domestic", "expected_other"],
    ),
    (_("Logo"), ["logo"]),
    (_("Personal data"), ["personal_data_kept_until"]),
    (_("Invitations"), ["invitation_reminder_days"]),
    (_("Airport transfers"), ["pickup_window_minutes"]),
    (_("Visa support letters"), VISA_LETTER_FIELDS),
    (_("Sustainable Development Goals"), ["sdg_targets"]),
]


class ProgrammeForm(forms.ModelForm):
    """Create or edit a programme; the slug is derived when it is created.

    A last day before the first is refused by the model's clean, under the last day.
    """

    FIELDSETS = PROGRAMME_FIELDSETS

    required_css_class = "required"
    # Fields that span both columns of the form's grid.
    WIDE_FIELDS = {
        "content_language",
        "host_address",
        "partners",
        "cooperation_framework",
        "logo",
        "visa_funding_statement",
        "sdg_targets",
    }
    LOCAL_LABELS = {
        "title_local": _("Title (%(language)s)"),
        "short_name_local": _("Short name (%(language)s)"),
        "theme_local": _("Theme (%(language)s)"),
    }

    time_zone = forms.ChoiceField(
        label=capfirst(_("time zone")),
        initial="Asia/Jakarta",
        help_text=_("Agenda times are entered and shown in this time zone."),
    )
    # Optional on the form: left empty, reminders stay off.
    invitation_reminder_days = forms.IntegerField(
        label=capfirst(_("invitation reminder after (days)")),
        required=False,
        min_value=0,
        max_value=90,
        help_text=Programme._meta.get_field("invitation_reminder_days").help_text,
    )
    # Optional on the form: left out (a script, an older form), the window stays as it was.
    pickup_window_minutes = forms.IntegerField(
        label=capfirst(_("pick-up window (minutes)")),
        required=False,
        min_value=0,
        max_value=720,
        help_text=Programme._meta.get_field("pickup_window_minutes").help_text,
    )
    sdg_targets = forms.MultipleChoiceField(
        label=_("Targets the programme serves"),
        required=False,
        choices=target_choices,
        widget=SdgTargetsInput,
        help_text=_(
            "Funders ask which targets a programme serves; the closing report lists them. "
            "Library programmes often serve 4.6 (literacy) and 16.10 (access to information)."
        ),
    )
    # A plain file field: reencode_image checks the content, so a renamed text file gets
    # the same message as any other non-image.
    logo = forms.FileField(
        label=capfirst(_("logo")),
        required=False,
        widget=LogoInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
        help_text=with_limit(
            _("JPEG, PNG, WebP or GIF, up to %(limit)s; stored as a JPEG of at most 600 pixels."),
            LOGO,
        ),
    )

    class Meta:
        model = Programme
        fields = [name for _legend, names in PROGRAMME_FIELDSETS for name in names]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "personal_data_kept_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "partners": forms.Textarea(attrs={"rows": 4}),
            "cooperation_framework": forms.Textarea(attrs={"rows": 3}),
            "visa_funding_statement": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "short_name_en": _(
                "Used in menus, e.g. TPBIS 2023; when the programme is created, also in its "
                "web address."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Programmes are hosted in Indonesia: its zones come first.
        self.fields["time_zone"].choices = time_zone_choices(
            country_code="ID", current=self.instance.time_zone if self.instance.pk else ""
        )
        # Left out of a submission (a script, an older form), the language stays as it was.
        self.fields["content_language"].required = False
        label_local_fields(self, self.LOCAL_LABELS, self._content_language())
        if self.instance.pk and self.instance.logo:
            self.fields["logo"].widget.logo_url = reverse(
                "programs:logo", args=[self.instance.slug]
            )

    def _content_language(self) -> str:
        """The language chosen in the submitted form, else the programme's (or the default)."""
        chosen = self.data.get(self.add_prefix("content_language")) if self.is_bound else None
        if chosen in dict(content_language_choices()):
            return chosen
        return self.instance.content_language or DEFAULT_CONTENT_LANGUAGE

    def clean_content_language(self) -> str:
        return self.cleaned_data.get("content_language") or (
            self.instance.content_language or DEFAULT_CONTENT_LANGUAGE
        )

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]

    def clean_invitation_reminder_days(self) -> int:
        return self.cleaned_data.get("invitation_reminder_days") or 0

    def clean_pickup_window_minutes(self) -> int:
        value = self.cleaned_data.get("pickup_window_minutes")
        return self.instance.pickup_window_minutes if value is None else value

    def clean_sdg_targets(self) -> list[str]:
        return sorted(set(self.cleaned_data.get("sdg_targets") or []), key=target_order)

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        # Only a new upload is checked; the stored logo (or False, "clear") passes through.
        if isinstance(logo, UploadedFile):
            return reencode_image(logo, kind=LOGO, max_side=LOGO_MAX_SIDE)
        return logo


class NewMemberForm(forms.Form):
    """Someone to add, by e-mail address, to a list of people (`members`: rows with a `user`);
    refused when they are already on it."""

    email = forms.EmailField(label=_("E-mail address"))

    def __init__(self, *args: Any, members: QuerySet, **kwargs: Any) -> None:
        self.members = members
        super().__init__(*args, **kwargs)

    def already_member_error(self, email: str) -> forms.ValidationError:
        raise NotImplementedError

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        user = user_with_email(email)
        if user is not None and self.members.filter(user=user).exists():
            raise self.already_member_error(email)
        return email

    def added(self, add: Callable[[], tuple[T, bool]]) -> tuple[T, bool] | None:
        """What `add` returns (the row, and whether an account was created for it); None when
        the service refuses, its reason then being the e-mail field's error."""
        try:
            return add()
        except forms.ValidationError as error:
            self.add_error("email", error)
            return None


class TeamMemberForm(NewMemberForm):
    """Add an organiser or a staff member to a programme by e-mail address."""

    role = forms.ChoiceField(
        label=_("Role"),
        choices=ProgrammeMembership.Role.choices,
        initial=ProgrammeMembership.Role.STAFF,
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        self.programme = programme
        super().__init__(*args, members=programme.memberships.all(), **kwargs)

    def already_member_error(self, email: str) -> forms.ValidationError:
        return forms.ValidationError(
            _("%(email)s is already in this programme's team."), params={"email": email}
        )


class HostRegionField(forms.ChoiceField):
    """A region of the programme's host country, chosen by its code.

    `record` writes the choice into the `province` and `subdivision` fields of a delegation
    or participant (see `programs.regions`).
    """

    def __init__(self, programme: Programme, instance: Any, **kwargs: Any) -> None:
        self.regions = {region.code: region for region in regions_of(programme.host_country)}
        super().__init__(
            label=_("Region of %(country)s") % {"country": programme.host_country_name},
            choices=[("", "---------")]
            + [(region.code, region.name) for region in self.regions.values()],
            required=False,
            initial=instance.province.code if instance.province_id else instance.subdivision,
            **kwargs,
        )

    def region(self, code: str | None) -> Region | None:
        return self.regions.get(code or "")

    def record(self, instance: Any, code: str | None) -> None:
        region = self.region(code)
        fields = region.fields if region else {"province": None, "subdivision": ""}
        for name, value in fields.items():
            setattr(instance, name, value)


class DelegationForm(forms.ModelForm):
    """A delegation of a member country, or the seats of a region of the host country.

    The kind says which of the two the organiser means, so that a stray choice in the other
    part of the form is reported at its field instead of as a vague form-wide error.
    """

    INTERNATIONAL = "international"
    DOMESTIC = "domestic"
    LOCATION_FIELDS = ("kind", "country", "region", "locality")

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(INTERNATIONAL, _("Member country")), (DOMESTIC, _("Region of the host country"))],
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Delegation
        fields = [
            "country",
            "locality",
            "seats",
            "reserves",
            "nominating_agency",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]
        labels = {"country": _("Member country")}
        widgets = {"contact_phone": forms.TextInput(attrs={"type": "tel"})}

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        self.programme = programme
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["kind"].initial = (
                self.DOMESTIC if self.instance.is_domestic else self.INTERNATIONAL
            )
        else:
            self.fields["kind"].initial = self.INTERNATIONAL
        # Only active members are offered; a delegation keeps the country it already has.
        countries = MemberCountry.objects.filter(Q(is_active=True) | Q(pk=self.instance.country_id))
        country_field = self.fields["country"]
        country_field.queryset = countries
        # Sorted by the translated name: the table holds ISO codes, not names.
        country_field.choices = [("", country_field.empty_label)] + sorted(
            ((c.pk, str(c)) for c in countries), key=lambda choice: choice[1]
        )
        self.fields["region"] = HostRegionField(programme, self.instance)
        self.order_fields(["kind", "country", "region"])
        # Left empty, the delegation keeps its reserves (one for a new delegation).
        self.fields["reserves"].required = False

    def clean_reserves(self) -> int:
        reserves = self.cleaned_data.get("reserves")
        return self.instance.reserves if reserves is None else reserves

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        country = cleaned.get("country")
        region = self.fields["region"].region(cleaned.get("region"))
        locality = cleaned.get("locality", "")
        if kind == self.INTERNATIONAL:
            if not country and not self.has_error("country"):
                self.add_error(
                    "country",
                    _(
                        "Choose a member country, or choose “Region of the host country” as "
                        "the kind."
                    ),
                )
            if region:
                self.add_error(
                    "region",
                    _("A member country's delegation has no region: clear this field."),
                )
            if locality:
                self.add_error(
                    "locality",
                    _("A regency, city or locality only applies to a domestic delegation."),
                )
        elif kind == self.DOMESTIC:
            if not region and not self.has_error("region"):
                self.add_error(
                    "region",
                    _("Choose a region, or choose “Member country” as the kind."),
                )
            if country:
                self.add_error(
                    "country",
                    _("Domestic seats belong to a region, not a member country: clear this field."),
                )
        self.fields["region"].record(self.instance, cleaned.get("region"))
        if not self.errors:
            self._check_unique(country, region, locality)
        return cleaned

    def _check_unique(
        self, country: MemberCountry | None, region: Region | None, locality: str
    ) -> None:
        # The database constraints would refuse these; say so at the field instead.
        others = self.programme.delegations.exclude(pk=self.instance.pk)
        if country and others.filter(country=country).exists():
            self.add_error(
                "country",
                _("%(country)s already has a delegation in this programme.") % {"country": country},
            )
        if region and others.filter(**region.fields, locality=locality).exists():
            place = f"{locality} ({region.name})" if locality else region.name
            self.add_error(
                "locality" if locality else "region",
                _("%(place)s already has seats in this programme.") % {"place": place},
            )

    def _post_clean(self) -> None:
        if any(self.has_error(name) for name in self.LOCATION_FIELDS):
            # The kind's rules above already explained the problem at the right field; the
            # model's clean and check constraint would only repeat it in vaguer words.
            return
        self.instance.programme = self.programme
        super()._post_clean()


class FocalPointForm(NewMemberForm):
    """Invite someone, by e-mail address, to nominate a delegation's candidates."""

    def __init__(self, *args: Any, delegation: Delegation, **kwargs: Any) -> None:
        self.delegation = delegation
        super().__init__(*args, members=delegation.focal_points.all(), **kwargs)

    def already_member_error(self, email: str) -> forms.ValidationError:
        return forms.ValidationError(
            _("%(email)s is already a focal point of %(delegation)s."),
            params={"email": email, "delegation": self.delegation.origin},
        )
