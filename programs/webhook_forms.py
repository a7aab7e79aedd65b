from django import forms
from django.utils.translation import gettext_lazy as _

from .webhook_http import UnsafeEndpoint, check_endpoint
from .webhook_models import EVENTS, Webhook, new_webhook_secret


class WebhookForm(forms.ModelForm):
    """An endpoint of the programme: its address (checked now and at every delivery) and the
    events it hears about."""

    url = forms.URLField(
        label=_("Address (https://…)"),
        max_length=500,
        assume_scheme="https",
        help_text=_("The receiver's address on the internet; it gets a POST for each event."),
        widget=forms.URLInput(attrs={"autocomplete": "off"}),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=EVENTS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )
    new_secret = forms.BooleanField(
        label=_("Replace the secret"),
        required=False,
        help_text=_("The receiver must then check signatures with the new secret."),
    )

    class Meta:
        model = Webhook
        fields = ["url", "events", "active"]
        labels = {"active": _("Send deliveries")}
        help_texts = {"active": _("Clear to pause the webhook.")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            # A new webhook gets a secret and is on; a paused one is turned on where it is.
            del self.fields["new_secret"]
            del self.fields["active"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            check_endpoint(url)
        except UnsafeEndpoint as refusal:
            raise forms.ValidationError(str(refusal), code="unsafe") from None
        return url

    def save(self, commit: bool = True) -> Webhook:
        webhook = super().save(commit=False)
        if self.cleaned_data.get("new_secret"):
            webhook.secret = new_webhook_secret()
        if webhook.active and webhook.disabled_at is not None:
            # Turned on again after it was turned off for failing: its count starts afresh.
            webhook.disabled_at, webhook.failure_count = None, 0
        if commit:
            webhook.save()
        return webhook
