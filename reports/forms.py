from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Document


class GenerateDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=Document.Kind.choices)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
