"""The delegate's own pages, made for a phone: agenda, calendar feed and practical information.

No participant id ever appears in these URLs: the record is always the signed-in user's own
(their most recent programme, or `?programme=<slug>` among theirs). Team members who take no
part in a programme get 404. The feed alone is public: its secret token is the credential.
"""

import hashlib
import re
import zoneinfo
from datetime import tzinfo
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.html import escape, format_html, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from participants.access import get_participation_for_user, programme_query
from participants.models import Participant
from participants.roles import get_roles
from programs.models import Programme
from programs.offline import keep_offline
from programs.timezones import time_zone_choices

from .agenda_page import agenda_page
from .feeds import build_feed, feed_owner, feed_version, issue_feed_token, personal_agenda

# Bumped when the feed's format changes, so that subscribers' copies are replaced.
FEED_FORMAT = 2


def _feed_url(request: HttpRequest, participant: Participant) -> str:
    if not participant.feed_token:
        return ""
    return request.build_absolute_uri(reverse("visits:feed", args=[participant.feed_token]))


class HomeTimeZoneForm(forms.ModelForm):
    home_time_zone = forms.ChoiceField(
        label=_("Your home time zone"),
        required=False,
        help_text=_("Times are then shown in the programme's time zone and in yours."),
    )

    class Meta:
        model = Participant
        fields = ["home_time_zone"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        participant = self.instance
        # Their own country's zones first; a domestic participant's country is Indonesia.
        own_country = participant.country.code if participant.country_id else "ID"
        self.fields["home_time_zone"].choices = [
            ("", "—"),
            *time_zone_choices(country_code=own_country, current=participant.home_time_zone),
        ]


@login_required
@require_http_methods(["GET", "POST"])
def my_agenda(request: HttpRequest) -> HttpResponse:
    """The delegate's items day by day, with what is on now and next.

    `?tz=home` also shows every time in the delegate's home time zone and lets them set it.
    """
    participant = get_participation_for_user(request)
    show_home = request.GET.get("tz") == "home"
    form = HomeTimeZoneForm(instance=participant) if show_home else None
    if request.method == "POST":
        form = HomeTimeZoneForm(request.POST, instance=participant)
        show_home = True
        if form.is_valid():
            form.save()
            messages.success(request, _("Your home time zone has been saved."))
            return redirect(
                reverse("visits:my_agenda") + programme_query(request, participant, tz="home")
            )
    programme = participant.programme
    home_tz = participant.home_time_zone if show_home else ""
    agenda = agenda_page(participant, now=timezone.now(), home_tz=_zone(home_tz))
    response = render(
        request,
        "visits/delegate/my_agenda.html",
        {
            "participant": participant,
            "programme": programme,
            "participations": get_roles(request).participations,
            "now_items": agenda.now,
            "next_items": agenda.next,
            "days": agenda.days,
            "travel": agenda.travel,
            "show_home": show_home,
            "home_tz": home_tz,
            "form": form,
            "feed_url": _feed_url(request, participant),
            "query": programme_query(request, participant),
            "home_query": programme_query(request, participant, tz="home"),
        },
    )
    # Kept on the device for use offline; not a page with a form's errors.
    return keep_offline(response) if request.method == "GET" else response


def _zone(name: str) -> tzinfo | None:
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request: HttpRequest) -> HttpResponse:
    """The personal feed address with instructions; POST creates or replaces it."""
    participant = get_participation_for_user(request)
    query = programme_query(request, participant)
    if request.method == "POST":
        replaced = bool(participant.feed_token)
        issue_feed_token(participant=participant)
        if replaced:
            messages.success(
                request,
                _(
                    "You have a new calendar link. The old one no longer works: subscribe again "
                    "with the new one."
                ),
            )
        else:
            messages.success(request, _("Your calendar link is ready."))
        return redirect(reverse("visits:calendar") + query)

    feed_url = _feed_url(request, participant)
    webcal_url = "webcal://" + feed_url.split("://", 1)[1] if feed_url else ""
    return render(
        request,
        "visits/delegate/calendar.html",
        {
            "participant": participant,
            "programme": participant.programme,
            "feed_url": feed_url,
            "webcal_url": webcal_url,
            "google_url": (
                "https://calendar.google.com/calendar/r?" + urlencode({"cid": webcal_url})
                if webcal_url
                else ""
            ),
            "query": query,
        },
    )


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal agenda as iCalendar, for calendar apps; the token is the only key.

    Calendar apps poll the same feed again and again: those that send back the ETag get
    "not modified", for the cost of one query, while nothing the feed shows has changed.
    """
    # Looked up on every request, so that a replaced token stops working at once.
    found = feed_version(token)
    if found is None:
        raise Http404
    participant_id, version = found
    host = request.get_host()
    # The host without its port: stable for a subscriber, unique across installations.
    uid_domain = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    agenda_url = request.build_absolute_uri(reverse("visits:my_agenda"))
    shown = (FEED_FORMAT, participant_id, version, uid_domain, agenda_url)
    etag = '"' + hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest() + '"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        participant = feed_owner(participant_id)
        body = build_feed(
            participant,
            personal_agenda(participant, with_materials=False),
            uid_domain=uid_domain,
            agenda_url=agenda_url,
            now=timezone.now(),
        )
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="agenda.ics"'
        response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, max-age=300"
    response["ETag"] = etag
    return response


# A web or e-mail address, or something that looks like a phone number.
_LINKABLE = re.compile(
    r"(?P<url>(?:https?://|www\.)[^\s<>\"]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|(?P<phone>\+?\(?\d[\d ().-]*\d)"
)


def _phone_link(text: str, *, short_numbers: bool) -> str:
    digits = re.sub(r"\D", "", text)
    # Full numbers start with + or 0 (so dates and years stay text); emergency lists also
    # hold three-digit numbers such as 112.
    is_phone = len(digits) >= 3 if short_numbers else len(digits) >= 7 and text[0] in "+0("
    if not is_phone:
        return escape(text)
    return format_html(
        '<a href="tel:{}">{}</a>', ("+" if text.startswith("+") else "") + digits, text
    )


def linkify(text: str, *, short_numbers: bool = False) -> SafeString:
    """Organisers' free text as HTML: lines kept, web and e-mail addresses and phones tappable."""
    lines = []
    for line in text.strip().splitlines():
        pieces, last = [], 0
        for match in _LINKABLE.finditer(line):
            pieces.append(escape(line[last : match.start()]))
            if match.group("url"):
                pieces.append(urlize(match.group("url"), nofollow=True, autoescape=True))
            else:
                pieces.append(_phone_link(match.group("phone"), short_numbers=short_numbers))
            last = match.end()
        pieces.append(escape(line[last:]))
        lines.append("".join(pieces))
    return mark_safe("<br>\n".join(lines))  # noqa: S308 - every piece is escaped above


def _practical_sections(programme: Programme) -> list[tuple[str, str, SafeString]]:
    fields = [
        ("venue", _("Venue"), programme.venue_details, False),
        ("hotel", _("Hotel"), programme.hotel_details, False),
        ("contacts", _("Contacts"), programme.contacts, False),
        ("emergency", _("Emergency numbers"), programme.emergency_numbers, True),
        ("dress-code", _("Dress code"), programme.dress_code, False),
    ]
    return [
        (key, label, linkify(text, short_numbers=short))
        for key, label, text, short in fields
        if text.strip()
    ]


@login_required
@require_GET
def programme_info(request: HttpRequest) -> HttpResponse:
    """Practical information and the organisers' announcements, newest first."""
    participant = get_participation_for_user(request)
    programme = participant.programme
    announcements = programme.announcements.filter(published_at__lte=timezone.now()).order_by(
        "-published_at", "-pk"
    )
    return keep_offline(
        render(
            request,
            "visits/delegate/programme_info.html",
            {
                "participant": participant,
                "programme": programme,
                "participations": get_roles(request).participations,
                "sections": _practical_sections(programme),
                "announcements": announcements,
                "query": programme_query(request, participant),
            },
        )
    )
