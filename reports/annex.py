"""The closing report's annex: every active participant on a line of their own.

The annex of a large programme runs to dozens of pages, and it is most of the report's
rendering time: the renderer's cost is per box, per line and per letter. So the annex is
plain lines of text, many to a paragraph, rather than a table or a paragraph per participant.
"""

from dataclasses import dataclass

from django_countries import countries as all_countries

from participants.models import Participant
from participants.queries import active_participants
from programs.models import Programme
from programs.subdivisions import region_name

# A paragraph per participant made the renderer build, style and place a block for each, a
# third more work than the lines alone. Much longer paragraphs cost more again: each line is
# cut from the text that remains of its paragraph.
ANNEX_LINES_PER_PARAGRAPH = 50
# The lines of a paragraph are set as they are, never wrapped (white-space: pre), which spares
# the renderer the search for a place to break each of them. A line that might not fit on the
# page (its estimated width over this many ems, of the 62.6 that 178 mm make at the annex's
# 8.06 pt) gets a paragraph of its own, which wraps, its wrapped part indented under the name:
# a hanging indent applies only to a paragraph's first line.
ANNEX_LINE_EMS = 60
# Upper bounds, in ems, of a character's width in Noto Sans, the annex's font: lower-case
# letters and digits average 0.53-0.57 em, capitals 0.63, spaces and punctuation at most 0.32.
# Anything else (accented letters, other scripts, dashes) counts as a full em.
_ASCII_CLASSES = bytes(
    ord("l")
    if chr(code).islower() or chr(code).isdigit()
    else ord("u")
    if chr(code).isupper()
    else ord("s")
    for code in range(256)  # bytes.translate takes a full table; only ASCII ever comes
)


def estimated_ems(line: str) -> float:
    """The width of `line` at most, in ems, as the annex prints it (see ANNEX_LINE_EMS)."""
    ascii_chars = line.encode("ascii", "ignore")
    classes = ascii_chars.translate(_ASCII_CLASSES)
    return (
        0.6 * classes.count(b"l")
        + 0.75 * classes.count(b"u")
        + 0.35 * classes.count(b"s")
        + (len(line) - len(ascii_chars))
    )


def annex_rows(programme: Programme) -> list[str]:
    """One line of text per active participant, in list order: one query, no model instances.

    Runs of white space (a line break pasted into a name) become one space: each line is one
    entry.
    """
    rows = (
        active_participants(programme)
        .order_by(*Participant._meta.ordering, "pk")
        .values_list(
            "category",
            "full_name",
            "full_name_latin",
            "region",
            "country__country",
            "province__name",
            "subdivision",
            "institution",
        )
    )
    country_names: dict[str, str] = {}
    lines = []
    for number, (
        category,
        name,
        latin,
        region,
        country,
        province,
        subdivision,
        institution,
    ) in enumerate(rows, start=1):
        shown = f"{latin} ({name})" if latin and latin != name else name
        if category == Participant.Category.DOMESTIC or not country:
            origin = region or region_name(province, subdivision)
        else:
            if country not in country_names:
                country_names[country] = str(all_countries.name(country))
            origin = country_names[country]
        parts = (" ".join(part.split()) for part in (shown, origin, institution))
        lines.append(f"{number}. " + " — ".join(part for part in parts if part))
    return lines


@dataclass
class AnnexParagraph:
    """Annex lines joined by line breaks, or one line that may wrap (`hanging`)."""

    text: str
    hanging: bool = False


def annex_paragraphs(rows: list[str]) -> list[AnnexParagraph]:
    """The annex lines, in order, in paragraphs of up to ANNEX_LINES_PER_PARAGRAPH lines."""
    paragraphs: list[AnnexParagraph] = []
    run: list[str] = []

    def close_run() -> None:
        if run:
            paragraphs.append(AnnexParagraph("\n".join(run)))
            run.clear()

    for row in rows:
        if estimated_ems(row) > ANNEX_LINE_EMS:
            close_run()
            paragraphs.append(AnnexParagraph(row, hanging=True))
            continue
        run.append(row)
        if len(run) == ANNEX_LINES_PER_PARAGRAPH:
            close_run()
    close_run()
    return paragraphs
