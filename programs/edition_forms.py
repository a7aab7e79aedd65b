from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .editions import last_day_for
from .forms import ProgrammeForm
from .languages import label_local_fields
from .models import Programme

SLUG_TAKEN = _("Another programme already has this web address: choose another.")


class NewProgrammeFromForm(forms.ModelForm):
    """What a new programme started from an existing one needs of its own.

    Everything else comes from the existing programme; the last day follows from the first, the
    time zone stays. A slug already taken is refused by the model's uniqueness check.
    """

    required_css_class = "required"

    class Meta:
        model = Programme
        fields = [
            "title_en",
            "title_local",
            "short_name_en",
            "short_name_local",
            "slug",
            "start_date",
        ]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        labels = {"slug": _("Web address")}
        error_messages = {"slug": {"unique": SLUG_TAKEN}}
        help_texts = {
            "slug": _(
                "The last part of the new programme's address: lowercase letters, digits and "
                "hyphens, e.g. tpbis-2024."
            ),
        }

    def __init__(self, *args: Any, source: Programme, **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault(
            "initial",
            {
                "title_en": source.title_en,
                "title_local": source.title_local,
                "short_name_en": source.short_name_en,
                "short_name_local": source.short_name_local,
            },
        )
        super().__init__(*args, **kwargs)
        # The new programme is written in the same languages as the one it comes from.
        label_local_fields(
            self,
            {
                name: ProgrammeForm.LOCAL_LABELS[name]
                for name in ("title_local", "short_name_local")
            },
            source.content_language,
        )
        self.fields["start_date"].help_text = ngettext(
            "The last day follows: the new programme lasts %(days)s day, like this one, in the "
            "same time zone (%(zone)s).",
            "The last day follows: the new programme lasts %(days)s days, like this one, in the "
            "same time zone (%(zone)s).",
            source.duration_days,
        ) % {"days": source.duration_days, "zone": source.time_zone}

    def clean_start_date(self) -> date:
        start_date = self.cleaned_data["start_date"]
        if start_date < timezone.localdate(timezone=self.source.tzinfo):
            raise forms.ValidationError(_("The new programme cannot start in the past."))
        try:
            last_day_for(self.source, start_date)
        except OverflowError as error:
            raise forms.ValidationError(_("Choose an earlier first day.")) from error
        return start_date

    def names(self) -> dict[str, Any]:
        """The chosen slug and titles, for `start_programme_from`."""
        return {name: value for name, value in self.cleaned_data.items() if name != "start_date"}
