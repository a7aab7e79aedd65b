"""E-mails written in English and then in Indonesian.

An e-mail cannot know which language its reader prefers, so every message the site sends
carries both, one after the other: the subjects joined by " / " (once when they agree), the
bodies separated by a line of dashes.
"""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

MAIL_LANGUAGES = ("en", "id")
BODY_SEPARATOR = "\n\n" + "-" * 60 + "\n\n"


def bilingual_message(
    template: str, context: dict, *, to: str, reply_to: str | None = None
) -> EmailMessage:
    """The message of `<template>_subject.txt` and `<template>_body.txt`, in both languages.

    Lazy strings in `context` (choice labels, say) are rendered in each language in turn.
    Nothing is sent: the caller decides when (often after the transaction commits).
    """
    subjects: list[str] = []
    bodies: list[str] = []
    for language in MAIL_LANGUAGES:
        with translation.override(language):
            subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
            bodies.append(render_to_string(f"{template}_body.txt", context).strip())
        if subject not in subjects:
            subjects.append(subject)
    return EmailMessage(
        subject=" / ".join(subjects),
        body=BODY_SEPARATOR.join(bodies) + "\n",
        to=[to],
        reply_to=[reply_to] if reply_to else None,
    )
