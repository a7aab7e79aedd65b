"""The public verification page: name, programme, dates and validity, and nothing else."""

from datetime import date

import pytest
from django.urls import reverse

from participants.models import Participant
from reports.certificates import issue_certificate, revoke_certificate
from tests.factories import ParticipantFactory, ProgrammeFactory, member_country


@pytest.fixture
def certificate(db):
    programme = ProgrammeFactory(
        title_en="Knowledge Sharing Programme on Library Transformation",
        title_local="Program Berbagi Pengetahuan tentang Transformasi Perpustakaan",
        start_date=date(2023, 11, 13),
        end_date=date(2023, 11, 17),
    )
    participant = ParticipantFactory(
        programme=programme,
        status=Participant.Status.COMPLETED,
        full_name="ສົມພອນ ພົມມະວົງ",
        full_name_latin="Somphone Phommavong",
        email="somphone@example.org",
        phone="+856 20 5555 1234",
        country=member_country("LA"),
        institution="National Library of Laos",
        position="Deputy Director",
        passport_number="P1234567",
        passport_expiry=date(2030, 1, 1),
        dietary_needs="Vegetarian",
    )
    return issue_certificate(participant=participant)


def _verify(client, code):
    return client.get(reverse("reports:verify", args=[code]))


def test_valid_code_shows_name_programme_dates_and_validity(client, certificate):
    response = _verify(client, certificate.code)
    assert response.status_code == 200
    html = response.content.decode()
    for shown in [
        "Valid certificate",
        "ສົມພອນ ພົມມະວົງ",
        "Somphone Phommavong",
        "Knowledge Sharing Programme on Library Transformation",
        "Program Berbagi Pengetahuan tentang Transformasi Perpustakaan",
        "13 November 2023 – 17 November 2023",
        certificate.code,
    ]:
        assert shown in html
    assert '<meta name="robots" content="noindex">' in html


def test_verification_page_shows_no_private_data(client, certificate):
    html = _verify(client, certificate.code).content.decode()
    for private in [
        "somphone@example.org",
        "+856 20 5555 1234",
        "Laos",
        "National Library of Laos",
        "Deputy Director",
        "P1234567",
        "2030",
        "Vegetarian",
        "International delegate",
        certificate.participant.badge_code,
    ]:
        assert private not in html


def test_revoked_certificate_shows_revoked_and_the_reason(client, certificate):
    revoke_certificate(certificate=certificate, reason="Issued to the wrong person")
    response = _verify(client, certificate.code)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Revoked certificate" in html
    assert "Issued to the wrong person" in html
    assert "Valid certificate" not in html


@pytest.mark.parametrize("code", ["TPB-0000-0000-0000", "not-a-code", "TPB-7KQ2-M9XD-4RBU"])
def test_unknown_code_is_not_found(client, db, code):
    response = _verify(client, code)
    assert response.status_code == 404
    assert "No certificate with this code" in response.content.decode()


def test_code_typed_loosely_is_redirected_to_its_canonical_page(client, certificate):
    loose = certificate.code.lower().replace("-", "")
    response = _verify(client, loose)
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:verify", args=[certificate.code])


def test_lookup_form_sends_a_typed_code_to_its_page(client, certificate):
    typed = " " + certificate.code.lower().replace("-", " ") + " "
    response = client.get(reverse("reports:verify_lookup"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:verify", args=[certificate.code])


def test_lookup_form_explains_a_malformed_code(client, db):
    response = client.get(reverse("reports:verify_lookup"), {"code": "12345"})
    assert response.status_code == 200
    assert "A code has twelve letters and digits after TPB" in response.content.decode()


def test_lookup_form_of_an_unknown_code_ends_on_the_not_found_page(client, db):
    response = client.get(
        reverse("reports:verify_lookup"), {"code": "TPB-0000-0000-0000"}, follow=True
    )
    assert response.status_code == 404
    assert "No certificate with this code" in response.content.decode()
