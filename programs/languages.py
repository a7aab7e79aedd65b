"""The languages a programme's content may be written in, besides English.

The interface speaks the languages of `settings.LANGUAGES` (those with a catalogue); a
programme's content is written in English and in its host's language, any language Django
knows. Django does not know a few languages of member countries yet (Sinhala, Dhivehi, ...):
they are listed here with the same details Django gives for the others.
"""

from django import forms
from django.conf import global_settings
from django.utils.functional import Promise
from django.utils.translation import get_language_info, gettext, gettext_noop

# Host languages of member countries missing from Django's list: code -> (name, local name).
EXTRA_LANGUAGES = {
    "dv": (gettext_noop("Dhivehi"), "ދިވެހި"),
    "dz": (gettext_noop("Dzongkha"), "རྫོང་ཁ"),
    "fil": (gettext_noop("Filipino"), "Filipino"),
    "lo": (gettext_noop("Lao"), "ລາວ"),
    "ps": (gettext_noop("Pashto"), "پښتو"),
    "si": (gettext_noop("Sinhala"), "සිංහල"),
}

DEFAULT_CONTENT_LANGUAGE = "id"


def language_info(code: str) -> dict[str, str]:
    """Django's details of a language (name, name_local, name_translated), ours if it has none."""
    if code in EXTRA_LANGUAGES:
        name, local = EXTRA_LANGUAGES[code]
        return {
            "code": code,
            "name": name,
            "name_local": local,
            "name_translated": gettext(name),
        }
    return get_language_info(code)


def language_name(code: str) -> str:
    """The language's name in the active interface language, e.g. "Sinhala" or "Indonesia"."""
    try:
        return str(language_info(code)["name_translated"])
    except KeyError:
        return code


def content_language_choices() -> list[tuple[str, str]]:
    """Every language Django knows (and those above) but English, sorted by English name."""
    codes = {code for code, _name in global_settings.LANGUAGES if not code.startswith("en")}
    codes |= set(EXTRA_LANGUAGES)
    return sorted(
        ((code, language_name(code)) for code in codes),
        key=lambda choice: language_info(choice[0])["name"],
    )


def label_local_fields(form: forms.BaseForm, labels: dict[str, Promise], language: str) -> None:
    """Name the programme's language in the labels of its `*_local` fields: "Title (Sinhala)".

    `labels` maps field names to labels with a `%(language)s` placeholder; the inputs are
    marked with the language too, for spelling checkers and screen readers.
    """
    name = language_name(language)
    for field_name, label in labels.items():
        field = form.fields[field_name]
        field.label = label % {"language": name}
        field.widget.attrs["lang"] = language
