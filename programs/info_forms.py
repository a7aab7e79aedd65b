from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .languages import label_local_fields, language_name
from .models import Announcement, Programme


class PracticalInfoForm(forms.ModelForm):
    """The practical information delegates read on their phone: free text, line by line."""

    class Meta:
        model = Programme
        fields = ["venue_details", "hotel_details", "contacts", "emergency_numbers", "dress_code"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields}
        help_texts = {
            "venue_details": _("Address, entrance, rooms, Wi-Fi. Web addresses become links."),
            "hotel_details": _("Name, address, check-in and check-out times, breakfast."),
            "contacts": _(
                "One person per line with their phone number: numbers become tappable on phones."
            ),
            "emergency_numbers": _("For example “Police 110”, “Ambulance 118”, one per line."),
            "dress_code": _("What to wear for each kind of occasion."),
        }


class PrivacyNoticeForm(forms.ModelForm):
    """The privacy notice delegates accept with their invitation, in both languages."""

    class Meta:
        model = Programme
        fields = ["privacy_notice_en", "privacy_notice_local"]
        widgets = {name: forms.Textarea(attrs={"rows": 14}) for name in fields}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = self.instance.content_language
        label_local_fields(
            self, {"privacy_notice_local": _("Privacy notice (%(language)s)")}, language
        )
        self.fields["privacy_notice_local"].help_text = _(
            "Shown to delegates who read the site in %(language)s; when empty they read the "
            "English text."
        ) % {"language": language_name(language)}


class AnnouncementForm(forms.ModelForm):
    class Meta:
        model = Announcement
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}
