"""Choices and names shared by participants and the candidates nominated to become them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    INTERNATIONAL = "international", _("International delegate")
    DOMESTIC = "domestic", _("Domestic representative")
    SPEAKER = "speaker", _("Speaker / resource person")
    OBSERVER = "observer", _("Observer")
    ORGANISING_STAFF = "organising_staff", _("Organising staff")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other / prefer not to say")


class InstitutionType(models.TextChoices):
    NATIONAL_LIBRARY = "national_library", _("National library")
    PUBLIC_LIBRARY = "public_library", _("Public library")
    ACADEMIC_LIBRARY = "academic_library", _("Academic library")
    SCHOOL_LIBRARY = "school_library", _("School library")
    SPECIAL_LIBRARY = "special_library", _("Special library")
    GOVERNMENT = "government", _("Ministry or government agency")
    OTHER = "other", _("Other")


def display_name(full_name: str, full_name_latin: str) -> str:
    """The Latin name (readable by everyone) with the native one when they differ."""
    if full_name_latin and full_name_latin != full_name:
        return f"{full_name_latin} ({full_name})"
    return full_name
