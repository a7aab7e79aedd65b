"""The delegate's own pages, made for a phone: agenda, calendar feed and practical information.

No participant id ever appears in these URLs: the record is always the signed-in user's own
(their most recent programme, or `?programme=<slug>` among theirs). Team members who take no
part in a programme get 404. The feed alone is public: its secret token is the credential.
"""

import hashlib
import re
from datetime import datetime
from typing import NamedTuple
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.html import escape, format_html, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from participants.models import Participant
from participants.roles import get_roles
from programs.forms import time_zone_choices
from programs.models import Programme

from .feeds import (
    Span,
    build_feed,
    entries_by_day,
    issue_feed_token,
    mark_now_and_next,
    now_and_next,
    personal_agenda,
)
from .models import agenda_version

# Rendered agendas and feeds are kept this long at most; a change makes a new one at once.
RENDERED_AGENDA_SECONDS = 3600
# The programme's fields that the feed shows or depends on.
FEED_PROGRAMME_FIELDS = ("time_zone", "short_name_en", "start_date", "end_date")

# Stands for the CSRF token in rendered pages, which may be cached: each response gets its
# own token in its place.
CSRF_STAND_IN = "csrfStandIn0cd3f1b2a9e84e67d50b"


def _own_participant(request: HttpRequest) -> Participant:
    """The signed-in user's participant record, or 404 for someone who takes part in nothing.

    The list is the one the navigation already loaded for this request (no extra query).
    """
    participations = get_roles(request).participations
    if not participations:
        raise Http404
    slug = request.GET.get("programme")
    if not slug:
        return participations[0]
    for participant in participations:
        if participant.programme.slug == slug:
            return participant
    raise Http404


def _programme_query(request: HttpRequest, participant: Participant, **extra: str) -> str:
    """`?programme=…` (when the user has several programmes) plus `extra`, for links."""
    params = {}
    if len(get_roles(request).participations) > 1:
        params["programme"] = participant.programme.slug
    params.update(extra)
    return f"?{urlencode(params)}" if params else ""


def _feed_url(request: HttpRequest, participant: Participant) -> str:
    if not participant.feed_token:
        return ""
    return request.build_absolute_uri(reverse("visits:feed", args=[participant.feed_token]))


class HomeTimeZoneForm(forms.ModelForm):
    home_time_zone = forms.ChoiceField(
        label=_("Your home time zone"),
        choices=lambda: [("", "—"), *time_zone_choices()],
        required=False,
        help_text=_("Times are then shown in the programme's time zone and in yours."),
    )

    class Meta:
        model = Participant
        fields = ["home_time_zone"]


@login_required
@require_http_methods(["GET", "POST"])
def my_agenda(request: HttpRequest) -> HttpResponse:
    """The delegate's items day by day, with what is on now and next.

    `?tz=home` also shows every time in the delegate's home time zone and lets them set it.
    """
    participant = _own_participant(request)
    show_home = request.GET.get("tz") == "home"
    if request.method == "POST":
        form = HomeTimeZoneForm(request.POST, instance=participant)
        if form.is_valid():
            form.save()
            messages.success(request, _("Your home time zone has been saved."))
            return redirect(
                reverse("visits:my_agenda") + _programme_query(request, participant, tz="home")
            )
        # The form's errors belong to this request alone: nothing is cached.
        page, _holds = _render_agenda(
            request, participant, show_home=True, form=form, now=timezone.now()
        )
    else:
        page = _agenda_page(request, participant, show_home=show_home)
    return HttpResponse(page.replace(CSRF_STAND_IN, get_token(request)))


def _agenda_page(request: HttpRequest, participant: Participant, *, show_home: bool) -> str:
    """The agenda page (with `CSRF_STAND_IN`), rendered again only when something on it
    changes.

    Rendering hundreds of items is most of a page's cost. The whole page is kept, under a key
    made of everything it shows besides the agenda (the delegate's and their programmes'
    records, the navigation, the language, the address), with the agenda's version and
    until when its "now" and "next" hold. A page with messages to show, or asked for with a
    query that the agenda's own links do not make, is rendered for its request alone.
    """
    key = _cache_key(
        "visits:rendered-agenda",
        _agenda_page_shows(request, participant, show_home=show_home),
    )
    version = agenda_version(participant)
    now = timezone.now()
    keep = _is_own_link(request) and not len(messages.get_messages(request))
    if keep and (rendered := _kept(key, version, now)):
        return rendered.content
    form = HomeTimeZoneForm(instance=participant) if show_home else None
    page, holds = _render_agenda(request, participant, show_home=show_home, form=form, now=now)
    if keep:
        _keep(key, Rendered(version, holds, page))
    return page


def _is_own_link(request: HttpRequest) -> bool:
    """Whether the query is one that the agenda's own links make. The page shows its
    address (the language switch returns to it), and other queries are not worth keeping."""
    query = request.GET
    return (
        set(query) <= {"programme", "tz"}
        and all(len(query.getlist(name)) == 1 for name in query)
        and query.get("tz", "home") == "home"
    )


def _agenda_page_shows(request: HttpRequest, participant: Participant, *, show_home: bool):
    """Everything the agenda page shows, besides the agenda itself and the CSRF token."""
    roles = get_roles(request)

    def record(obj) -> tuple:
        return tuple(getattr(obj, field.attname) for field in obj._meta.concrete_fields)

    return (
        record(participant),
        tuple((record(other), record(other.programme)) for other in roles.participations),
        (roles.is_admin, roles.works_on_programmes),
        show_home,
        get_language(),
        request.build_absolute_uri(),
        static("css/app.css"),
    )


def _render_agenda(
    request: HttpRequest,
    participant: Participant,
    *,
    show_home: bool,
    form: HomeTimeZoneForm | None,
    now: datetime,
) -> tuple[str, Span]:
    """The agenda page at `now`, with `CSRF_STAND_IN` for the CSRF token, and how long its
    "now" and "next" hold."""
    programme = participant.programme
    entries = personal_agenda(participant)
    highlights = now_and_next(entries, now=now)
    mark_now_and_next(entries, highlights)
    home_tz = participant.home_time_zone if show_home else ""
    page = render_to_string(
        "visits/delegate/my_agenda.html",
        {
            "participant": participant,
            "programme": programme,
            "participations": get_roles(request).participations,
            "now_items": highlights.under_way,
            "next_items": highlights.upcoming,
            "days": entries_by_day(programme, entries),
            "show_home": show_home,
            "home_tz": home_tz,
            "form": form,
            "feed_url": _feed_url(request, participant),
            "query": _programme_query(request, participant),
            "home_query": _programme_query(request, participant, tz="home"),
            "csrf_token": CSRF_STAND_IN,
        },
        request,
    )
    return page, highlights.holds


class Rendered(NamedTuple):
    """A rendered agenda (page or feed), the agenda's version it shows and how long it holds."""

    version: str
    holds: Span
    content: str | bytes


# What this process rendered or fetched last: looked at before the shared cache, since it
# holds the same copies and costs no round trip. Both keep them `RENDERED_AGENDA_SECONDS`
# at most; the version and the time say whether a copy may still be used.
_recent = LocMemCache(
    "visits-rendered-agendas",
    {"TIMEOUT": RENDERED_AGENDA_SECONDS, "OPTIONS": {"MAX_ENTRIES": 50}},
)


def _kept(key: str, version: str, now: datetime) -> Rendered | None:
    """The copy kept under `key`, if it shows `version` and still holds at `now`."""
    for store in (_recent, cache):
        rendered = store.get(key)
        if rendered is not None and rendered.version == version and now in rendered.holds:
            if store is cache:
                _recent.set(key, rendered)
            return rendered
    return None


def _keep(key: str, rendered: Rendered) -> None:
    _recent.set(key, rendered)
    cache.set(key, rendered, RENDERED_AGENDA_SECONDS)


def _fingerprint(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def _cache_key(prefix: str, *parts: object) -> str:
    return f"{prefix}:{_fingerprint(*parts)}"


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request: HttpRequest) -> HttpResponse:
    """The personal feed address with instructions; POST creates or replaces it."""
    participant = _own_participant(request)
    query = _programme_query(request, participant)
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
    """The personal agenda as iCalendar, for calendar apps; the token is the only key."""
    # Looked up on every request, so that a replaced token stops working at once; only
    # what the feed shows is read.
    participant = (
        Participant.objects.filter(feed_token=token)
        .select_related("programme")
        .only("programme_id", *(f"programme__{name}" for name in FEED_PROGRAMME_FIELDS))
        .order_by()
        .first()
    )
    if participant is None:
        raise Http404
    host = request.get_host()
    # The host without its port: stable for a subscriber, unique across installations.
    uid_domain = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    agenda_url = request.build_absolute_uri(reverse("visits:my_agenda"))
    key = _cache_key(
        "visits:rendered-feed",
        participant.pk,
        [getattr(participant.programme, name) for name in FEED_PROGRAMME_FIELDS],
        uid_domain,
        agenda_url,
    )
    version = agenda_version(participant)
    # Calendar apps poll the same unchanged feed again and again: those that send back the
    # ETag get "not modified", the others a copy built once per version of the agenda.
    etag = f'"{_fingerprint(key, version)}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        not_modified["Cache-Control"] = "private, max-age=300"
        not_modified["ETag"] = etag
        return not_modified
    now = timezone.now()
    if rendered := _kept(key, version, now):
        body = rendered.content
    else:
        body = build_feed(
            participant,
            personal_agenda(participant, with_materials=False),
            uid_domain=uid_domain,
            agenda_url=agenda_url,
            now=now,
        )
        _keep(key, Rendered(version, Span(None, None), body))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    response["X-Robots-Tag"] = "noindex"
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
    participant = _own_participant(request)
    programme = participant.programme
    announcements = programme.announcements.filter(published_at__lte=timezone.now()).order_by(
        "-published_at", "-pk"
    )
    return render(
        request,
        "visits/delegate/programme_info.html",
        {
            "participant": participant,
            "programme": programme,
            "participations": get_roles(request).participations,
            "sections": _practical_sections(programme),
            "announcements": announcements,
            "query": _programme_query(request, participant),
        },
    )
