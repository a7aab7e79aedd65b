"""Passport numbers: the one stored form, and the model field that keeps to it."""

import re

from django.db import models

# Spaces and dashes (ASCII and typographic) are how people group a passport number's
# characters; they are not part of it.
PASSPORT_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]+")


def normalise_passport_number(value: str) -> str:
    """The one stored form of a passport number: upper case, without spaces or dashes.

    "c 123", "C-123" and "C123" are the same passport. Every path that writes a participant
    (forms, import, admin, bulk updates) goes through `PassportNumberField`, which applies
    this, so uniqueness per programme holds on the stored value.
    """
    return PASSPORT_SEPARATORS.sub("", value or "").upper()


class PassportNumberField(models.CharField):
    """A CharField that stores, and looks up, `normalise_passport_number` of its value."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_passport_number(value) if isinstance(value, str) else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return normalise_passport_number(value) if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        # The instance holds the stored form too, as after a reload.
        value = normalise_passport_number(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value
