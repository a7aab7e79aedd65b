"""E-mails written in English and then in the programme's own language.

An e-mail cannot know which language its reader prefers, so every message the site sends
carries both, one after the other: the subjects joined by " / " (once when they agree), the
bodies separated by a line of dashes. A language the interface has no catalogue for prints its
wording in English, with the programme's texts in its own language (once when they agree).
"""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

BODY_SEPARATOR = "\n\n" + "-" * 60 + "\n\n"


def bilingual_message(
    template: str, context: dict, *, language: str, to: str, reply_to: str | None = None
) -> EmailMessage:
    """The message of `<template>_subject.txt` and `<template>_body.txt`, in English and in
    `language` (the programme's content language).

    Lazy strings in `context` (choice labels, say) are rendered in each language in turn.
    Nothing is sent: the caller decides when (often after the transaction commits).
    """
    subjects: list[str] = []
    bodies: list[str] = []
    for code in dict.fromkeys(("en", language)):
        with translation.override(code):
            subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
            body = render_to_string(f"{template}_body.txt", context).strip()
        if subject not in subjects:
            subjects.append(subject)
        if body not in bodies:
            bodies.append(body)
    return EmailMessage(
        subject=" / ".join(subjects),
        body=BODY_SEPARATOR.join(bodies) + "\n",
        to=[to],
        reply_to=[reply_to] if reply_to else None,
    )
