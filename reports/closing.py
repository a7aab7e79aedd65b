"""The closing report: what the programme was, who came, what was held and what was said.

The report is built from the database in a fixed number of aggregate queries, whatever the
number of participants (no query per row), and rendered to one PDF in the language asked for.
Headings carry the other language beneath them, and the programme's title, theme, summary and
outcomes are printed in English and in the programme's own language (its `content_language`),
so one file serves the host, the ministry and the donor.

Charts are plain SVG drawn here and inlined in the document: nothing is fetched, nothing runs.
The job kind that renders the report in the background is `CLOSING_REPORT_JOB` at the bottom.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Prefetch
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_countries import countries as all_countries

from participants.action_plans import plans_for_reports
from participants.allowances import allowance_rows, totals_by_category, totals_by_currency
from participants.evaluation import EvaluationSummary, evaluation_summary
from participants.models import Participant
from participants.queries import (
    CountriesRepresented,
    active_participants,
    count_countries,
    departed_participants,
)
from programs.languages import language_info
from programs.models import Programme
from programs.money import format_money
from programs.numbers import percent
from programs.regions import regions_phrase
from programs.subdivisions import region_name
from visits.models import Assignment, Session, SessionPhoto
from visits.queries import (
    attendance_annotations,
    group_by_local_day,
    shows_someone_who_refused_photos,
)

from .annex import annex_paragraphs, annex_rows
from .dates import date_range
from .jobkind import JobKind, Rendered
from .models import ClosingReport, GenerationJob, Quote
from .pdf import media_url, render_pdf

CLOSING_REPORT_TEMPLATE = "reports/pdf/closing_report.html"
# Photos are a selection, not the gallery: a few pages at most keep the report quick to render.
MAX_PHOTOS = 12
# Free-text evaluation answers printed per question; the full set is in the evaluation export.
MAX_TEXT_ANSWERS = 15
# Bars per chart (the rest summed into one) and regency or city names per province: the tables
# list every row, the charts show the shape.
MAX_CHART_BARS = 12
MAX_REGION_NAMES = 5

# Section headings, printed in the report's language with the other language beneath.
HEADINGS: dict[str, Promise] = {
    "report": _("Closing report"),
    "summary": _("Programme summary"),
    "participants": _("Participants"),
    "agenda": _("Agenda as held"),
    "site_visits": _("Site visits"),
    "closing": _("Closing remarks"),
    "sdg": _("Sustainable Development Goals"),
    "action_plans": _("Action plans"),
    "evaluation": _("Evaluation"),
    "documentation": _("Documentation"),
    "credits": _("Credits"),
    "annex": _("Annex: list of participants"),
    "allowances": _("Annex: daily allowances"),
}


# --- Small helpers ---------------------------------------------------------------------------


def time_zone_label(programme: Programme) -> str:
    """The zone with its abbreviation and offset on the first day, e.g. "Asia/Jakarta (WIB, UTC+7)".

    Zones without a real abbreviation (the database then gives "+0530") show only the offset.
    """
    moment = programme.local_datetime(programme.start_date, 12)
    minutes = int(moment.utcoffset().total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    offset = f"UTC{'+' if minutes >= 0 else '-'}{hours}" + (f":{rest:02d}" if rest else "")
    abbreviation = moment.tzname() or ""
    if abbreviation and abbreviation[0] not in "+-" and not abbreviation.startswith("UTC"):
        return f"{programme.time_zone} ({abbreviation}, {offset})"
    return f"{programme.time_zone} ({offset})"


def other_language(language: str, content_language: str) -> str:
    """The language printed beneath headings: the programme's own under English (or under any
    other interface language), English under the programme's own."""
    return "en" if language == content_language else content_language


def bilingual_headings(
    language: str, content_language: str, texts: dict[str, Promise] = HEADINGS
) -> dict[str, dict[str, str]]:
    """Each heading (of `texts`) in `language`, with its translation beneath when a catalogue
    has one.

    A language without a catalogue falls back to English: no second line then.
    """
    second = other_language(language, content_language)
    headings = {}
    for key, text in texts.items():
        with translation.override(language):
            main = str(text)
        with translation.override(second):
            alt = str(text)
        headings[key] = {"main": main, "alt": alt if alt != main else "", "alt_lang": second}
    return headings


def wrap_label(label: str, limit: int = 22) -> list[str]:
    """A chart label in lines of at most `limit` characters, broken between words.

    Nothing is cut: a word longer than a line is split across lines.
    """
    lines: list[str] = []
    current = ""
    for word in label.split():
        while len(word) > limit:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:limit])
            word = word[limit:]
        if current and len(current) + 1 + len(word) > limit:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current or not lines:
        lines.append(current)
    return lines


def bar_chart_svg(
    rows: Sequence[tuple[str, int]], *, title: str, peak: int | None = None, suffix: str = ""
) -> SafeString:
    """A horizontal bar chart as inline SVG: one labelled bar per row, its value at its end.

    Long labels wrap onto further lines and their row grows to hold them. Labels are escaped
    here: they may come from participants (regions) or organisers.
    """
    # Drawn for a half-page column: 340 units across about 80 mm, so text prints at about 7 pt.
    width, label_width, bar_width, row_height, gap, line_height = 340, 130, 170, 15, 5, 11
    top = max([peak or 0, *(value for _label, value in rows)]) or 1
    labels = [wrap_label(str(label)) for label, _value in rows]
    heights = [max(row_height, len(lines) * line_height + 4) for lines in labels]
    height = gap + sum(h + gap for h in heights)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" '
        'font-family="Noto Sans, Noto Naskh Arabic, sans-serif" font-size="10">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{label_width}" y1="0" x2="{label_width}" y2="{height}" '
        'stroke="#9aa5b1" stroke-width="1"/>',
    ]
    y = gap
    for (_label, value), lines, tall in zip(rows, labels, heights, strict=True):
        length = round(bar_width * value / top)
        # The bar sits in the middle of its row, level with the middle of the label.
        bar_y = y + (tall - row_height) // 2
        baseline = bar_y + row_height - 4
        first = y + (tall - len(lines) * line_height) // 2 + line_height - 2
        spans = "".join(
            f'<tspan x="{label_width - 6}" y="{first + n * line_height}">{escape(line)}</tspan>'
            for n, line in enumerate(lines)
        )
        parts.append(f'<text text-anchor="end" fill="#1c2430">{spans}</text>')
        if length:
            parts.append(
                f'<rect x="{label_width}" y="{bar_y}" width="{length}" height="{row_height}" '
                'fill="#0b5d7a"/>'
            )
        parts.append(
            f'<text x="{label_width + length + 4}" y="{baseline}" fill="#1c2430">'
            f"{value}{escape(suffix)}</text>"
        )
        y += tall + gap
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label and the title are escaped above


# --- Participants ----------------------------------------------------------------------------


@dataclass
class CountRow:
    label: str
    count: int
    percent: int | None = None
    detail: str = ""


@dataclass
class ParticipantFigures:
    total: int
    international: int
    domestic: int
    categories: list[CountRow]
    countries: list[CountRow]
    genders: list[CountRow]
    regions: list[CountRow]
    # Every country of an active participant, the host's included (participants.queries).
    country_count: CountriesRepresented
    # What domestic participants represent: "regions of Sri Lanka".
    regions_phrase: str = ""
    charts: dict[str, SafeString] = field(default_factory=dict)

    @property
    def country_names(self) -> list[str]:
        return [row.label for row in self.countries]


def _with_percent(rows: list[CountRow], total: int) -> list[CountRow]:
    for row in rows:
        row.percent = percent(row.count, total)
    return rows


def _chart_rows(rows: list[CountRow]) -> list[tuple[str, int]]:
    """The largest rows for a chart, the rest summed into one bar: long charts are unreadable."""
    if len(rows) <= MAX_CHART_BARS:
        return [(row.label, row.count) for row in rows]
    shown = rows[: MAX_CHART_BARS - 1]
    rest = rows[MAX_CHART_BARS - 1 :]
    label = _("%(count)s others") % {"count": len(rest)}
    return [(row.label, row.count) for row in shown] + [(label, sum(r.count for r in rest))]


def _region_names(names: set[str]) -> str:
    ordered = sorted(names)
    if len(ordered) <= MAX_REGION_NAMES:
        return ", ".join(ordered)
    more = _("and %(count)s more") % {"count": len(ordered) - MAX_REGION_NAMES}
    return ", ".join(ordered[:MAX_REGION_NAMES]) + f" {more}"


def _is_province_itself(region: str, province: str) -> bool:
    # "Provinsi Bali" for the province of Bali: the seat of the province, not a regency or city;
    # "Western Province" typed again as the locality of the Western Province.
    folded = region.casefold()
    return folded == province.casefold() or folded.startswith("provinsi")


def participant_figures(programme: Programme) -> ParticipantFigures:
    """Active participants by category, member country, gender and region: one query.

    The country count is every active participant's country, the host's included; the
    country rows break down international delegates; regions count domestic representatives
    by region of the host (province or subdivision), with the localities named.
    """
    rows = list(
        active_participants(programme)
        .values("category", "gender", "country__country", "province__name", "subdivision", "region")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_category: dict[str, int] = defaultdict(int)
    by_gender: dict[str, int] = defaultdict(int)
    by_country: dict[str, int] = defaultdict(int)
    by_province: dict[str, int] = defaultdict(int)
    regions_of: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        by_category[row["category"]] += row["n"]
        by_gender[row["gender"]] += row["n"]
        if row["category"] == Participant.Category.INTERNATIONAL:
            by_country[row["country__country"] or ""] += row["n"]
        elif row["category"] == Participant.Category.DOMESTIC:
            province = region_name(row["province__name"], row["subdivision"])
            by_province[province] += row["n"]
            region = (row["region"] or "").strip()
            if region and not _is_province_itself(region, province):
                regions_of[province].add(region)
    total = sum(by_category.values())
    not_recorded = str(_("Not recorded"))

    categories = [
        CountRow(str(label), by_category[value])
        for value, label in Participant.Category.choices
        if by_category.get(value)
    ]
    countries = sorted(
        (
            CountRow(str(all_countries.name(code)) if code else not_recorded, n)
            for code, n in by_country.items()
        ),
        key=lambda row: (-row.count, row.label),
    )
    genders = [
        CountRow(str(label), by_gender[value])
        for value, label in Participant.Gender.choices
        if by_gender.get(value)
    ]
    if by_gender.get(""):
        genders.append(CountRow(not_recorded, by_gender[""]))
    regions = sorted(
        (
            CountRow(
                province or not_recorded,
                n,
                detail=_region_names(regions_of.get(province, set())),
            )
            for province, n in by_province.items()
        ),
        key=lambda row: (-row.count, row.label),
    )
    international = by_category.get(Participant.Category.INTERNATIONAL, 0)
    domestic = by_category.get(Participant.Category.DOMESTIC, 0)
    figures = ParticipantFigures(
        total=total,
        international=international,
        domestic=domestic,
        categories=_with_percent(categories, total),
        countries=_with_percent(countries, international),
        genders=_with_percent(genders, total),
        regions=_with_percent(regions, domestic),
        country_count=count_countries(
            programme, ((row["category"], row["country__country"]) for row in rows)
        ),
        regions_phrase=regions_phrase(programme.host_country),
    )
    figures.charts = {
        "categories": bar_chart_svg(
            _chart_rows(figures.categories), title=str(_("Participants by category"))
        ),
        "countries": bar_chart_svg(
            _chart_rows(figures.countries),
            title=str(_("International delegates by member country")),
        ),
        "genders": bar_chart_svg(
            _chart_rows(figures.genders), title=str(_("Participants by gender"))
        ),
        "regions": bar_chart_svg(
            _chart_rows(figures.regions),
            title=str(
                _("Domestic representatives by region of %(country)s")
                % {"country": programme.host_country_name}
            ),
        ),
    }
    return figures


# --- Agenda ----------------------------------------------------------------------------------


@dataclass
class HeldItem:
    """An agenda item with its speakers and how many of those booked attended."""

    session: Session
    speakers: list[str]
    booked: int
    recorded: int
    present: int

    @property
    def attendance_percent(self) -> int | None:
        return percent(self.present, self.recorded)

    @property
    def starts_at(self) -> datetime:
        # For grouping by day like the agenda's sessions (visits.queries.group_by_local_day).
        return self.session.starts_at


def held_items(programme: Programme) -> list[HeldItem]:
    """Every agenda item in order, cancelled ones included: three queries.

    Queries: the items with their sites; the speakers who are participants; attendance counted
    per item.
    """
    sessions = list(
        programme.sessions.select_related("site")
        .prefetch_related(
            Prefetch(
                "speaker_participants",
                queryset=Participant.objects.only("id", "full_name", "full_name_latin"),
            )
        )
        .order_by("starts_at", "title_en", "pk")
    )
    attendance = {
        row["session_id"]: row
        for row in Assignment.objects.filter(session__programme=programme)
        .values("session_id")
        .annotate(**attendance_annotations())
        .order_by()
    }
    items = []
    for session in sessions:
        counts = attendance.get(session.pk, {})
        speakers = [session.speakers] if session.speakers else []
        speakers += [person.display_name for person in session.speaker_participants.all()]
        items.append(
            HeldItem(
                session=session,
                speakers=speakers,
                booked=counts.get("assigned", 0),
                recorded=counts.get("recorded", 0),
                present=counts.get("present", 0),
            )
        )
    return items


# --- Documentation ---------------------------------------------------------------------------


@dataclass
class ReportPhoto:
    name: str
    url: str
    caption: str
    photographer: str
    session: Session


def published_photos(programme: Programme, *, default_photographer: str) -> list[ReportPhoto]:
    """Photos whose subjects agreed to publication, oldest first: one query.

    A photo showing a participant who refused photo consent is left out, even when marked
    for publication.
    """
    photos = (
        SessionPhoto.objects.filter(session__programme=programme, consent_to_publish=True)
        .filter(~shows_someone_who_refused_photos())
        .select_related("session__programme")
        .order_by("session__starts_at", "taken_at", "uploaded_at", "pk")[:MAX_PHOTOS]
    )
    return [
        ReportPhoto(
            name=photo.image.name,
            url=media_url(photo.image.name),
            caption=photo.caption,
            photographer=photo.photographer or default_photographer,
            session=photo.session,
        )
        for photo in photos
    ]


# --- The report ------------------------------------------------------------------------------


def closing_report_of(programme: Programme) -> ClosingReport:
    """The programme's closing report, or an unsaved empty one when organisers wrote none."""
    report = ClosingReport.objects.filter(programme=programme).first()
    if report is None:
        return ClosingReport(programme=programme)
    report.programme = programme  # already loaded: forms and texts read its language
    return report


def quotes_of(report: ClosingReport) -> list[Quote]:
    if report.pk is None:
        return []
    return list(report.quotes.order_by("position", "pk"))


@dataclass
class Text:
    """A text in one language, for the report's main text or the one beneath it."""

    text: str
    language: str
    label: str


def in_report_order(language: str, **texts: str) -> list[Text]:
    """The filled-in texts, the report's language first: `texts` maps language codes to text.

    An edition in the programme's own language prints its texts as the main text and English
    beneath; the English edition the other way round. Each text is labelled with its
    language's own name ("English", "Bahasa Indonesia", "සිංහල").
    """
    order = sorted(texts, key=lambda code: code != language)
    return [
        Text(texts[code], code, language_info(code)["name_local"]) for code in order if texts[code]
    ]


def report_texts(programme: Programme, report: ClosingReport, *, language: str) -> dict:
    """Title, short name, theme, summary and outcomes in the report's language first."""
    local = programme.content_language

    def texts(english: str, local_text: str) -> list[Text]:
        return in_report_order(language, **{"en": english, local: local_text})

    title = texts(programme.title_en, programme.title_local)
    theme = texts(programme.theme_en, programme.theme_local)
    if len(theme) == 2 and theme[0].text == theme[1].text:
        theme = theme[:1]
    short_name = texts(programme.short_name_en, programme.short_name_local)
    return {
        "title": title[0],
        "title_alt": title[1] if len(title) > 1 else None,
        "short_name": short_name[0].text,
        "theme": theme,
        "summary": texts(report.summary_en, report.summary_local),
        "outcomes": texts(report.outcomes_en, report.outcomes_local),
    }


def _evaluation_charts(summary: EvaluationSummary) -> list[dict]:
    sections = []
    for question in summary.questions:
        chart = None
        if question.bars and question.answered:
            chart = bar_chart_svg(
                [(bar.label, bar.count) for bar in question.bars], title=question.question.text
            )
        sections.append(
            {
                "summary": question,
                "chart": chart,
                "texts": question.texts[:MAX_TEXT_ANSWERS],
                "more_texts": max(len(question.texts) - MAX_TEXT_ANSWERS, 0),
            }
        )
    return sections


def allowance_annex(programme: Programme) -> dict:
    """Allowance totals by currency and by category, with their amounts written out: three
    queries (rates with participants and payments, meal days)."""
    rows = allowance_rows(programme)
    by_currency, by_category = totals_by_currency(rows), totals_by_category(rows)
    for total in [*by_currency, *by_category]:
        total.due_text = format_money(total.due, total.currency)
        total.paid_text = format_money(total.paid, total.currency)
    return {"by_currency": by_currency, "by_category": by_category}


def closing_report_context(programme: Programme, *, language: str) -> dict:
    """Everything the closing report prints, in about a dozen queries whatever its size.

    Call it with `language` active (see `render_closing_report`): labels are translated here.
    """
    report = closing_report_of(programme)
    figures = participant_figures(programme)
    items = held_items(programme)
    held = [item for item in items if not item.session.is_cancelled]
    visits = [item for item in held if item.session.is_site_visit and item.session.site]
    ceremonies = [item for item in held if item.session.kind == Session.Kind.CEREMONY]
    recorded = sum(item.recorded for item in held)
    present = sum(item.present for item in held)
    evaluation = evaluation_summary(programme)
    photos = published_photos(programme, default_photographer=report.photographer)
    rows = annex_rows(programme)
    return {
        "programme": programme,
        "language": language,
        "headings": bilingual_headings(language, programme.content_language),
        "report": report,
        "texts": report_texts(programme, report, language=language),
        "quotes": quotes_of(report),
        "dates": date_range(programme.start_date, programme.end_date),
        "time_zone_label": time_zone_label(programme),
        "figures": figures,
        # Apart from the figures, which count active participants only.
        "departed": list(departed_participants(programme)),
        "days": group_by_local_day(programme, items),
        "held_count": len(held),
        "cancelled_count": len(items) - len(held),
        "site_visits": visits,
        "closing_ceremony": ceremonies[-1] if ceremonies else None,
        "attendance_percent": percent(present, recorded),
        # Submitted plans whose authors agreed and still take part (participants.action_plans).
        "action_plans": plans_for_reports(programme),
        "evaluation": evaluation,
        "evaluation_sections": _evaluation_charts(evaluation),
        "photos": photos,
        # Two photos a row, in a table: floats would let the credits slide beside them.
        "photo_rows": [photos[start : start + 2] for start in range(0, len(photos), 2)],
        # Credited besides the report's photographer, who has a line of their own.
        "other_photographers": sorted(
            {photo.photographer for photo in photos} - {report.photographer, ""}
        ),
        "annex_rows": rows,
        "annex_paragraphs": annex_paragraphs(rows),
        # Only when the organisers ticked it (ClosingReport.include_allowance_annex).
        "allowance_annex": allowance_annex(programme) if report.include_allowance_annex else None,
        "logo_url": media_url(programme.logo.name) if programme.logo else "",
        "generated_at": timezone.now(),
    }


def closing_report_media(context: dict) -> set[str]:
    """The stored files the report may embed: the logo and the published photos."""
    programme = context["programme"]
    names = {photo.name for photo in context["photos"]}
    if programme.logo:
        names.add(programme.logo.name)
    return names


def render_closing_report(programme: Programme, *, language: str) -> bytes:
    """The closing report as PDF bytes, in `language`, with times in the programme's zone."""
    with translation.override(language), timezone.override(programme.time_zone):
        context = closing_report_context(programme, language=language)
        return render_pdf(
            CLOSING_REPORT_TEMPLATE, context, allowed_media=closing_report_media(context)
        )


def closing_report_download_name(programme: Programme, language: str) -> str:
    return f"{programme.slug}-closing-report-{language}.pdf"


# --- The "closing report" job kind -----------------------------------------------------------


def render_closing_report_job(job: GenerationJob, item_id: int) -> Rendered:
    programme = job.programme
    return Rendered(
        closing_report_download_name(programme, job.language),
        render_closing_report(programme, language=job.language),
    )


# One file, offered as the job's PDF and in its ZIP.
CLOSING_REPORT_JOB = JobKind(render=render_closing_report_job)
