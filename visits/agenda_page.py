"""The items of the delegate's agenda page, written as HTML here rather than in a template.

A delegate may have hundreds of items, and each template variable or tag costs a few
microseconds per item: through the template, the items were most of the page's cost. Each
item's `<li>` is therefore one f-string below (the page around it stays a template), with
every value escaped by `html.escape` (what Django's `escape` does for a `str`, without its
check for lazy strings on every call). Labels are translated once per page.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from html import escape
from urllib.parse import quote

from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from participants.models import Participant
from programs.models import Programme

from .feeds import AgendaEntry, AgendaItem, AgendaSite, now_and_next, personal_agenda
from .models import Session, TransferPassenger, TransferRun
from .services import overlapping_pairs


@dataclass(slots=True)
class AgendaRow:
    """One item of the agenda page: its `<li>`, and what the "now and next" box shows."""

    pk: int
    title: str
    ends: str
    html: SafeString
    # When the item starts, for the "next" box only.
    next_at: str = ""


def _map_url(site: AgendaSite) -> str:
    if map_url := site.map_url:
        return map_url
    if site.address:
        return "https://www.openstreetmap.org/search?query=" + quote(
            f"{site.address}, {site.city}", safe="/"
        )
    return ""


class _Page:
    """What every row of one page shares: time zones, translated labels and the materials'
    URL, each escaped once for the page."""

    def __init__(
        self, programme: Programme, home_tz: tzinfo | None, entries: list[AgendaEntry]
    ) -> None:
        self.tz = programme.tzinfo
        self.home_tz = home_tz
        # The labels of the kinds on the page only: each label is a translation to look up.
        kinds = {entry.session.kind for entry in entries}
        self.kinds = {kind: escape(str(Session.Kind(kind).label)) for kind in kinds}
        self.badges = {
            "is-now": format_html(' <span class="badge badge-now">{}</span>', _("Now")),
            "is-next": format_html(' <span class="badge badge-next">{}</span>', _("Next")),
            "cancelled": format_html(
                ' <span class="badge status-cancelled">{}</span>', _("Cancelled")
            ),
        }
        labels = {
            "departure": _("Departure"),
            "return": _("Return"),
            "group": _("Your group"),
            "guide": _("guide"),
            "vehicle": _("Your vehicle"),
            "speakers": _("Speakers"),
            "materials": _("Materials"),
            "map": _("Map"),
            "your time": _("your time"),
        }
        self.labels = {key: escape(label) for key, label in labels.items()}
        # The sentence is escaped before the (already escaped) links go in.
        self.overlap_sentence = escape(_("Overlaps with %(items)s."))
        has_materials = any(entry.materials for entry in entries)
        self.material_url = escape(self._material_url(programme)) if has_materials else ""

    @staticmethod
    def _material_url(programme: Programme) -> str:
        """A material's address with `{session}` and `{material}` to fill in: one URL
        reversal for the page instead of one per material."""
        marker = 987654321
        url = reverse("visits:material_download", args=[programme.slug, marker, marker + 1])
        head, _sep, tail = url.rpartition(f"/{marker}/")
        return head + "/{session}/" + tail.replace(str(marker + 1), "{material}")

    def where(self, session: AgendaItem) -> str:
        """The item's place as HTML, each value escaped here (marked safe with its row)."""
        site = session.site
        if site is None:
            return f'<p class="where">{escape(session.room)}</p>' if session.room else ""
        place = f"{site.name}, {session.room}" if session.room else site.name
        html = f'<p class="where">{escape(place)}'
        if address := ", ".join(part for part in (site.address, site.district, site.city) if part):
            html += f'<br><span class="meta">{escape(address)}</span>'
        if map_url := _map_url(site):
            html += f' · <a href="{escape(map_url)}" rel="noopener">{self.labels["map"]}</a>'
        return html + "</p>"

    def facts(self, entry: AgendaEntry) -> str:
        """The item's facts list as HTML, each value escaped here (marked safe with its row)."""
        session, labels, tz = entry.session, self.labels, self.tz
        facts: list[tuple[str, str]] = []
        departure = session.departure_point
        if session.departs_at:
            at = session.departs_at.astimezone(tz).strftime("%H:%M")
            departure = f"{at}, {departure}" if departure else at
        if departure:
            facts.append((labels["departure"], escape(departure)))
        if session.returns_at:
            facts.append((labels["return"], session.returns_at.astimezone(tz).strftime("%H:%M")))
        if group := entry.group:
            html = escape(group.name)
            if group.guide_name:
                html += f" · {labels['guide']} {escape(group.guide_name)}"
            if phone := group.guide_phone:
                html += f' · <a href="tel:{escape(phone.replace(" ", ""))}">{escape(phone)}</a>'
            facts.append((labels["group"], html))
        if vehicle := entry.vehicle:
            plate = f" ({vehicle.plate})" if vehicle.plate else ""
            facts.append((labels["vehicle"], escape(vehicle.name + plate)))
        if entry.speaker_names:
            facts.append((labels["speakers"], escape("; ".join(entry.speaker_names))))
        if entry.materials:
            url = self.material_url
            links = "".join(
                f'<li><a href="{url.format(session=session.pk, material=m.pk)}">'
                f"{escape(m.title)}</a></li>"
                for m in entry.materials
            )
            facts.append((labels["materials"], f'<ul class="plain">{links}</ul>'))
        if not facts:
            return ""
        items = "".join(f"<dt>{label}</dt><dd>{html}</dd>" for label, html in facts)
        return f'<dl class="item-facts">{items}</dl>'

    def link(self, entry: AgendaEntry, title: str) -> str:
        """A link to the entry's row with its times, as the overlap warnings of other rows
        show it (HTML, values escaped here)."""
        session, tz = entry.session, self.tz
        return (
            f'<a href="#item-{session.pk}">{escape(title)}</a> '
            f"({session.starts_at.astimezone(tz):%H:%M}–{session.ends_at.astimezone(tz):%H:%M})"
        )

    def overlaps(self, links: list[str]) -> str:
        """The warning that the delegate is booked on other items at the same time, with
        `links` to them (from `link`), as HTML. Empty when there is none."""
        if not links:
            return ""
        text = self.overlap_sentence % {"items": ", ".join(links)}
        return f'<p class="overlap">{text}</p>'

    def row(
        self,
        entry: AgendaEntry,
        *,
        title: str,
        is_now: bool,
        is_next: bool,
        overlap_links: list[str],
    ) -> AgendaRow:
        session, tz = entry.session, self.tz
        starts, ends = session.starts_at.astimezone(tz), session.ends_at.astimezone(tz)
        flags = [
            flag
            for flag, on in (
                ("cancelled", entry.is_cancelled),
                ("is-now", is_now),
                ("is-next", is_next),
            )
            if on
        ]
        css = " ".join(["item", f"kind-{session.kind}", *flags])
        if overlap_links:
            css += " has-overlap"
        badges = "".join(self.badges[flag] for flag in flags)
        title_html = escape(title)
        if entry.is_cancelled:
            title_html = f"<del>{title_html}</del>"
        home = ""
        if self.home_tz is not None:
            home_starts = session.starts_at.astimezone(self.home_tz)
            home_ends = session.ends_at.astimezone(self.home_tz)
            home_time = f"{format_date(home_starts, 'D H:i')}–{home_ends.strftime('%H:%M')}"
            home = (
                f' <span class="home-time">{escape(home_time)} '
                f'<span class="meta">{self.labels["your time"]}</span></span>'
            )
        description = ""
        if text := session.description:
            # What the `linebreaksbr` filter makes of it.
            text = escape(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", "<br>")
            description = f'<p class="description">{text}</p>'
        current = ' aria-current="time"' if is_now else ""
        html = (
            f'<li id="item-{session.pk}" class="{css}"{current}>\n'
            f'<p class="when"><time datetime="{starts.isoformat()}">{starts:%H:%M}</time>–'
            f'<time datetime="{ends.isoformat()}">{ends:%H:%M}</time>{home}</p>\n'
            f'<div class="what"><p class="kind">{self.kinds[session.kind]}{badges}</p>\n'
            f"<h3>{title_html}</h3>\n"
            f"{self.overlaps(overlap_links)}"
            f"{self.where(session)}{description}{self.facts(entry)}\n"
            "</div></li>"
        )
        return AgendaRow(
            pk=session.pk,
            title=title,
            ends=f"{ends:%H:%M}",
            html=mark_safe(html),  # noqa: S308 - every value is escaped above
            next_at=format_date(starts, "D j M, H:i") if is_next else "",
        )


def _entry_times(entry: AgendaEntry) -> tuple[datetime, datetime]:
    return entry.session.starts_at, entry.session.ends_at


@dataclass
class Travel:
    """The delegate's arrival and departure (the host end of their journey) and the runs
    collecting them, shown above the days."""

    arrival_at: datetime | None
    arrival_details: str
    departure_at: datetime | None
    departure_details: str
    arrival_run: TransferRun | None = None
    departure_run: TransferRun | None = None

    def __bool__(self) -> bool:
        return bool(self.arrival_at or self.departure_at or self.arrival_run or self.departure_run)


def travel_of(participant: Participant) -> Travel:
    """The participant's travel as `Travel`. Queries: one, for their runs."""
    travel = Travel(
        arrival_at=participant.arrival_at,
        arrival_details=participant.arrival_details,
        departure_at=participant.departure_at,
        departure_details=participant.departure_details,
    )
    for passenger in TransferPassenger.objects.filter(participant=participant).select_related(
        "run"
    ):
        setattr(travel, f"{passenger.direction}_run", passenger.run)
    return travel


@dataclass
class AgendaPage:
    days: list[tuple[date, list[AgendaRow]]]
    now: list[AgendaRow]
    next: list[AgendaRow]
    travel: Travel | None = None


def agenda_page(
    participant: Participant, *, now: datetime, home_tz: tzinfo | None = None
) -> AgendaPage:
    """The participant's agenda rows by day in the programme's time zone, with the rows on
    now and those next (times also in `home_tz` when given), and their travel. Queries: see
    `personal_agenda`, and one for `travel_of`."""
    entries = personal_agenda(participant)
    page = _Page(participant.programme, home_tz, entries)
    highlights = now_and_next(entries, now=now)
    under_way = {id(entry) for entry in highlights.under_way}
    upcoming = {id(entry) for entry in highlights.upcoming}
    overlaps: dict[int, list[AgendaEntry]] = defaultdict(list)
    live = (entry for entry in entries if not entry.is_cancelled)
    for entry, later in overlapping_pairs(live, times=_entry_times):
        overlaps[id(entry)].append(later)
        overlaps[id(later)].append(entry)
    # Each title is read once (it depends on the page's language), and each link to an
    # overlapping row is written once, however many rows it overlaps.
    titles = {id(entry): entry.session.title for entry in entries}
    links = {
        key: page.link(entry, titles[key]) for entry in entries if (key := id(entry)) in overlaps
    }
    result = AgendaPage(days=[], now=[], next=[], travel=travel_of(participant))
    for entry in entries:
        key = id(entry)
        is_now, is_next = key in under_way, key in upcoming
        row = page.row(
            entry,
            title=titles[key],
            is_now=is_now,
            is_next=is_next,
            overlap_links=[links[id(other)] for other in overlaps.get(key, ())],
        )
        day = entry.session.starts_at.astimezone(page.tz).date()
        if not result.days or result.days[-1][0] != day:
            result.days.append((day, []))
        result.days[-1][1].append(row)
        if is_now:
            result.now.append(row)
        if is_next:
            result.next.append(row)
    return result
