"""Documents in English and in the programme's own language, not always Indonesian."""

import pytest
from django.utils import translation

from programs.mail import BODY_SEPARATOR, bilingual_message
from programs.models import ProgrammeMembership
from reports.certificates import render_sample, template_for
from reports.closing import render_closing_report, report_texts
from reports.models import ClosingReport
from tests.conftest import SINHALA_TITLE
from tests.factories import ProgrammeFactory

from .test_documents import pdf_text


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_certificate_carries_the_sinhala_title_and_no_indonesian_default(sinhala):
    template = template_for(sinhala)
    assert (template.heading_local, template.wording_local) == ("", "")
    template.heading_local = "සහතිකය"
    template.save()
    text = pdf_text(render_sample(sinhala, base_url="https://tpbis.test"))
    assert "Knowledge Sharing in Colombo" in text
    assert SINHALA_TITLE in text
    assert "සහතිකය" in text
    assert "Sertifikat" not in text


def test_an_indonesian_programme_keeps_its_indonesian_certificate_texts(db):
    template = template_for(ProgrammeFactory())
    assert template.heading_local == "Sertifikat Keikutsertaan"


def test_the_closing_report_prints_the_sinhala_texts_beneath_the_english(sinhala):
    ClosingReport.objects.create(
        programme=sinhala, summary_en="Five days of visits.", summary_local="දින පහක්"
    )
    text = pdf_text(render_closing_report(sinhala, language="en"))
    assert SINHALA_TITLE in text
    assert "දින පහක්" in text
    # The texts are labelled with the language's own name, not "Bahasa Indonesia".
    assert "සිංහල" in text
    assert "Bahasa Indonesia" not in text


def test_report_texts_put_the_edition_language_first(sinhala):
    report = ClosingReport(programme=sinhala)
    english = report_texts(sinhala, report, language="en")
    assert (english["title"].text, english["title_alt"].text) == (
        "Knowledge Sharing in Colombo",
        SINHALA_TITLE,
    )
    assert english["title_alt"].language == "si"
    own = report_texts(sinhala, report, language="si")
    assert (own["title"].text, own["title"].label) == (SINHALA_TITLE, "සිංහල")


def test_emails_follow_with_the_programmes_language(sinhala):
    context = {
        "programme": sinhala,
        "role": ProgrammeMembership.Role.ORGANISER.label,
        "new_account": False,
        "email": "nimal@example.org",
        "sign_in_url": "https://tpbis.test/accounts/login/",
    }
    message = bilingual_message(
        "programs/email/team_added", context, language="si", to="nimal@example.org"
    )
    english, sinhala_part = message.body.split(BODY_SEPARATOR)
    # No Sinhala catalogue: the wording falls back to English, the programme's texts do not.
    assert "Knowledge Sharing in Colombo" in english
    assert SINHALA_TITLE in sinhala_part
    with translation.override("en"):
        assert "Pemberitahuan" not in message.body
