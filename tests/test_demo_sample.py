"""The demo's sample programme hosted outside Indonesia: Colombo, in Sinhala, with a withdrawal
and its replacement, as its documents and feeds show it."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from participants.models import Participant
from participants.queries import active_participants
from programs.models import Programme, ProgrammeMembership
from reports.certificates import eligibility_of, render_sample, template_for
from reports.closing import render_closing_report
from reports.visa import letterhead_for, render_visa_letter, visa_delegates, visa_letter_context
from visits.feeds import issue_feed_token
from visits.models import Assignment

from .reports.test_closing_report import pdf_text

SLUG = "colombo-sample-2024"
SINHALA_TITLE = "ජීවිත කාලය පුරා ඉගෙනීම සඳහා ප්‍රජා පුස්තකාල පිළිබඳ දැනුම බෙදාගැනීමේ වැඩසටහන (නිදර්ශන)"
# What text extraction gives back whole: it moves some vowel signs of the rest of the title.
SINHALA_TITLE_START = "ජීවිත කාලය පුරා ඉගෙනීම සඳහා ප්‍රජා පුස්තකාල පිළිබඳ"
LEAVER = "hari.adhikari@example.org"
REPLACEMENT = "sunita.gurung@example.org"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sample(db):
    call_command("loaddemo", stdout=io.StringIO())
    return Programme.objects.get(slug=SLUG)


def test_sample_is_hosted_in_colombo_in_sinhala_and_marked_as_sample(sample):
    assert (sample.host_country.code, sample.time_zone, sample.content_language) == (
        "LK",
        "Asia/Colombo",
        "si",
    )
    assert sample.title_en.endswith("(sample)")
    assert sample.short_name_en == "Community Libraries 2024 (sample)"
    assert sample.title_local == SINHALA_TITLE
    assert (sample.start_date, sample.end_date) == (date(2024, 9, 2), date(2024, 9, 6))
    assert sample.memberships.get(user__email="organiser@example.org").role == (
        ProgrammeMembership.Role.ORGANISER
    )


def test_sample_has_the_hosts_nationals_and_six_other_countries(sample):
    active = active_participants(sample).select_related("country")
    assert sorted({p.country.code for p in active}) == ["BD", "BT", "ID", "LK", "MV", "NP", "TH"]
    domestic = active.filter(category=Participant.Category.DOMESTIC).order_by("subdivision")
    assert [(p.subdivision, p.region, p.country.code) for p in domestic] == [
        ("LK-1", "Gampaha", "LK"),
        ("LK-2", "Kandy", "LK"),
        ("LK-3", "Galle", "LK"),
        ("LK-4", "Jaffna", "LK"),
    ]
    assert all(p.email.endswith("@example.org") for p in sample.participants.all())
    assert {p.status for p in active} == {Participant.Status.COMPLETED}


def test_sample_withdrawal_released_later_bookings_to_the_replacement(sample):
    leaver = sample.participants.get(email=LEAVER)
    replacement = sample.participants.get(email=REPLACEMENT)
    change = leaver.status_changes.get(to_status=Participant.Status.WITHDRAWN)
    assert (leaver.status, change.effective_on, change.reason, change.changed_by.email) == (
        Participant.Status.WITHDRAWN,
        date(2024, 9, 4),
        "Recalled to Kathmandu by his ministry (sample)",
        "organiser@example.org",
    )
    assert (replacement.replaces, replacement.country.code) == (leaver, "NP")

    def days(person) -> set[int]:
        return {sample.to_local(a.session.starts_at).day for a in person.assignments.all()}

    # He attended the first two days; she took over his bookings from the third.
    assert days(leaver) == {2, 3}
    assert days(replacement) == {4, 5, 6}
    released = leaver.released_bookings.all()
    assert {r.taken_over_by for r in released} == {replacement}
    assert released.count() == replacement.assignments.count() == 5
    # Everyone else still taking part is booked on every item, and every booking attended.
    items = sample.sessions.count()
    others = active_participants(sample).exclude(pk=replacement.pk)
    assert [p.assignments.count() for p in others] == [items] * 10
    bookings = Assignment.objects.filter(session__programme=sample)
    assert bookings.exclude(attended=True).count() == 0


def test_sample_closing_report_counts_the_host_and_shows_the_withdrawal_apart(sample):
    text = pdf_text(render_closing_report(sample, language="en"))

    assert "Knowledge Sharing Programme on Community Libraries for Lifelong Learning" in text
    assert SINHALA_TITLE_START in text
    assert "2–6 September 2024" in text
    assert "Asia/Colombo (UTC+5:30)" in text
    assert "7 countries represented: the host, Sri Lanka, and 6 other countries." in text
    assert "7 international participants from 6 member countries" in text
    assert "4 domestic participants representing regions of Sri Lanka." in text
    assert "Domestic representatives by region of Sri Lanka" in text
    assert (
        "Withdrawn and declined 1 person withdrew or declined and is not counted above; their "
        "bookings from that day on are left out of the attendance."
    ) in text
    assert "replaced by Sunita Gurung" in text
    assert "Nepal Withdrawn 4 September 2024 Recalled to Kathmandu by his ministry (sample)" in (
        text
    )
    # Every active booking attended, the withdrawn delegate's first two days included.
    assert "Overall attendance: 100 % of recorded bookings." in text
    assert "Hari Prasad Adhikari" not in text.split("Annex: list of participants")[-1]


def test_sample_visa_letters_are_addressed_to_the_missions_of_sri_lanka(sample):
    letterhead = letterhead_for(sample)
    delegates = list(visa_delegates(sample))
    addressees = {p.email: visa_letter_context(letterhead, p)["addressee"] for p in delegates}
    mission = "To the Embassy or Consulate of the Democratic Socialist Republic of Sri Lanka in"
    assert addressees == {
        "farhana.islam@example.org": f"{mission} Bangladesh",
        "rafiqul.hasan@example.org": f"{mission} Bangladesh",
        "karma.choden@example.org": f"{mission} Bhutan",
        "aishath.shifa@example.org": f"{mission} Maldives",
        "supaporn.srisuk@example.org": f"{mission} Thailand",
        "dewi.anggraini@example.org": f"{mission} Indonesia",
        REPLACEMENT: f"{mission} Nepal",
    }
    # The letter itself, on the host's letterhead, for the delegate who replaced the leaver.
    replacement = next(p for p in delegates if p.email == REPLACEMENT)
    text = pdf_text(render_visa_letter(replacement, language="en", letterhead=letterhead))
    assert f"{mission} Nepal" in text
    assert "Republic of Indonesia" not in text
    assert "National Library and Documentation Services Board of Sri Lanka" in text
    assert "Director General, NLDSB (sample)" in text


def test_sample_calendar_feed_gives_times_in_colombo(sample, client):
    delegate = sample.participants.get(email="dewi.anggraini@example.org")
    feed = client.get(reverse("visits:feed", args=[issue_feed_token(participant=delegate)]))
    body = feed.content.decode()
    assert "X-WR-TIMEZONE:Asia/Colombo" in body
    assert "TZID:Asia/Colombo" in body
    # The opening at 09:00 Colombo time (03:30 UTC), the Gampaha visit at 08:30.
    assert "DTSTART;TZID=Asia/Colombo:20240902T090000" in body
    assert "DTSTART;TZID=Asia/Colombo:20240904T083000" in body
    # The replacement's agenda begins where she took over.
    replacement = sample.participants.get(email=REPLACEMENT)
    feed = client.get(reverse("visits:feed", args=[issue_feed_token(participant=replacement)]))
    # (The time zone's own DTSTART lines carry no TZID.)
    lines = feed.content.decode().splitlines()
    starts = [line for line in lines if line.startswith("DTSTART;TZID=")]
    assert starts[0] == "DTSTART;TZID=Asia/Colombo:20240904T083000"
    assert len(starts) == 5


def test_sample_certificates_go_to_everyone_taking_part_but_the_withdrawn(sample):
    template = template_for(sample)
    eligibility = {
        e.participant.email: (e.eligible, e.reason) for e in eligibility_of(sample, template)
    }
    assert eligibility.pop(LEAVER) == (False, "Withdrawn")
    assert len(eligibility) == 11
    assert set(eligibility.values()) == {(True, "")}
    assert (template.heading_local, template.wording_local) == (
        "සහභාගීත්ව සහතිකය",
        "පහත සඳහන් වැඩසටහනට සහභාගී වූ බව සහතික කරමු",
    )
    replacement = sample.participants.get(email=REPLACEMENT)
    text = pdf_text(
        render_sample(sample, base_url="https://tpbis.example.org", participant=replacement)
    )
    assert "Certificate of Participation" in text
    assert "Sunita Gurung" in text
    assert (
        "Knowledge Sharing Programme on Community Libraries for Lifelong Learning (sample)" in text
    )
    assert "2–6 September 2024" in text
    assert "Director General, NLDSB (sample)" in text
    assert "සහභාගීත්ව සහතිකය" in text
    assert SINHALA_TITLE_START in text


def test_every_demo_visa_letter_is_one_page_in_either_language(sample):
    """The letter and its signature fit on one page, for the longest names and institutions
    of both demo programmes, in English and in Indonesian (the longer wording)."""
    import pypdf

    pages = {}
    for programme in Programme.objects.filter(slug__in=[SLUG, "tpbis-2023"]):
        letterhead = letterhead_for(programme)
        for delegate in visa_delegates(programme):
            for language in ("en", "id"):
                pdf = render_visa_letter(delegate, language=language, letterhead=letterhead)
                pages[(delegate.email, language)] = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert len(pages) >= 30
    assert {key: count for key, count in pages.items() if count != 1} == {}
