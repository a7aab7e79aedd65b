"""Visa support letters: organisers and admins only, one per international delegate."""

import io
import zipfile
from datetime import date, datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_countries.fields import Country
from PIL import Image
from pypdf import PdfReader

from participants.models import Participant, PersonalDataAccess
from programs.visa_wording import DEFAULT_VISA_FUNDING_STATEMENT
from reports.models import GenerationJob
from reports.visa import (
    addressee,
    country_name,
    funding_statement,
    host_country_of,
    letterhead_for,
    official_country_name,
    programme_has_ended,
    reference_number,
    render_visa_letter,
    visa_letter_context,
    visa_letter_rows,
)
from tests.conftest import client_for
from tests.factories import (
    CertificateTemplateFactory,
    MembershipFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SignatoryFactory,
    member_country,
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_text(data: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def _delegate(programme, **fields) -> Participant:
    values = {
        "full_name": "Nguyễn Thị Thu Hà",
        "full_name_latin": "Nguyen Thi Thu Ha",
        "nationality": "VN",
        "passport_number": "C1234567",
        "passport_expiry": date(2030, 5, 31),
        "position": "Librarian",
        "institution": "National Library of Vietnam",
        **fields,
    }
    return ParticipantFactory(programme=programme, **values)


# The fixture's programme (November 2023) is over: a request for letters is confirmed first.
CONFIRMED = {"confirmed": "1"}


def _ask_letter(client, programme, participant_id, capture, language="en", **extra):
    """Ask for one delegate's letter as the page's button does, confirmed (the job runs on
    commit)."""
    with capture(execute=True):
        return client.post(
            reverse("reports:visa_letters", args=[programme.slug]),
            {"participant": participant_id, "language": language, **CONFIRMED, **extra},
        )


def _signature() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), "navy").save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name="signature.jpg")


# --- The letter ------------------------------------------------------------------------------


def test_letter_states_the_delegate_passport_programme_and_signatory(programme):
    programme.host_address = "Jl. Medan Merdeka Selatan, Jakarta"
    programme.host_short_name = "Perpusnas"
    programme.save()
    template = CertificateTemplateFactory(programme=programme)
    SignatoryFactory(
        template=template,
        name="Ofy Sofiana",
        title="Principal Secretary",
        organisation="Perpustakaan Nasional Republik Indonesia",
        signature=_signature(),
        position=0,
    )
    SignatoryFactory(template=template, name="Second Signatory", title="X", position=1)
    delegate = _delegate(programme)

    data = render_visa_letter(delegate, language="en")
    text = pdf_text(data)

    assert "To the Embassy or Consulate of the Republic of Indonesia in Vietnam" in text
    assert "Nguyễn Thị Thu Hà" in text
    assert "Nguyen Thi Thu Ha" in text
    assert "Nationality Vietnam" in text
    assert "Passport number C1234567" in text
    assert "Passport expiry 31 May 2030" in text
    assert "Position Librarian" in text
    assert "Institution National Library of Vietnam" in text
    assert programme.title_en in text
    assert "13–17 November 2023" in text
    assert "Jl. Medan Merdeka Selatan, Jakarta" in text
    assert "local hospitality as arranged with the organisers" in text
    assert "Ofy Sofiana Principal Secretary Perpustakaan Nasional Republik Indonesia" in text
    assert "Second Signatory" not in text
    assert reference_number(programme, delegate) in text
    assert reference_number(programme, delegate) == f"PERPUSNAS/{programme.slug.upper()}/VL/" + (
        f"{delegate.pk:04d}"
    )
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) == 1
    assert len(pages[0].images) == 1  # the signature


def test_letter_without_signatories_is_signed_by_the_host(programme):
    text = pdf_text(render_visa_letter(_delegate(programme), language="en"))
    assert f"Yours faithfully, {programme.host_institution}" in text


def test_letter_in_indonesian_keeps_the_passport_details(programme):
    text = pdf_text(render_visa_letter(_delegate(programme), language="id"))
    assert "C1234567" in text
    assert "Nguyễn Thị Thu Hà" in text


def test_markup_in_participant_fields_prints_literally(programme):
    delegate = _delegate(
        programme,
        full_name='<img src="file:///etc/passwd">',
        institution='<link rel="attachment" href="file:///etc/passwd">',
    )
    data = render_visa_letter(delegate, language="en")
    text = pdf_text(data)
    assert '<img src="file:///etc/passwd">' in text
    assert '<link rel="attachment" href="file:///etc/passwd">' in text
    assert "root:x:0:0" not in text
    assert not PdfReader(io.BytesIO(data)).attachments


# --- Per host and per programme: addressee, issuer, signatory and wording ------------------


def _context(delegate) -> dict:
    """The letter's values in English, from the delegate's own programme instance."""
    with translation.override("en"):
        return visa_letter_context(letterhead_for(delegate.programme), delegate)


def test_letter_of_an_indonesian_host_keeps_its_wording_for_the_delegate_country(programme):
    """A programme hosted in Indonesia is addressed as before, to the delegate's country."""
    delegate = _delegate(programme, nationality="TH")
    assert host_country_of(programme).code == "ID"
    assert _context(delegate)["addressee"] == (
        "To the Embassy or Consulate of the Republic of Indonesia in Thailand"
    )
    text = pdf_text(render_visa_letter(delegate, language="en"))
    assert "To the Embassy or Consulate of the Republic of Indonesia in Thailand" in text
    assert "Nationality Thailand" in text
    assert (
        f"{programme.host_institution} is pleased to invite the person named below to take part "
        f"in the {programme.title_en}" in text
    )


def test_letter_of_a_sri_lankan_host_is_addressed_to_its_embassy_in_the_delegate_country(
    programme,
):
    delegate = _delegate(programme, nationality="TH")
    programme.host_country = "LK"
    programme.save()
    delegate.refresh_from_db()

    assert host_country_of(programme).code == "LK"
    assert _context(delegate)["addressee"] == (
        "To the Embassy or Consulate of the Democratic Socialist Republic of Sri Lanka in Thailand"
    )
    text = pdf_text(render_visa_letter(delegate, language="en"))
    assert (
        "To the Embassy or Consulate of the Democratic Socialist Republic of Sri Lanka in "
        "Thailand" in text
    )
    assert "Consulate of the Republic of Indonesia" not in text
    # Names in the letter's language: the official one from the ISO catalogue, the
    # delegate's country as django-countries names it.
    indonesian = pdf_text(render_visa_letter(delegate, language="id"))
    assert "Republik Sosialis Demokrat Sri Lanka" in indonesian
    assert "Kewarganegaraan Thailand" in indonesian


def test_addressee_names_the_common_name_without_an_official_one_and_no_place_unknown(programme):
    with translation.override("en"):
        assert addressee(Country("JP"), Country("VN")) == (
            "To the Embassy or Consulate of Japan in Vietnam"
        )
        assert addressee(Country("LK"), None) == (
            "To the Embassy or Consulate of the Democratic Socialist Republic of Sri Lanka"
        )
        # A holder of the host's own passport applies at no embassy of it.
        assert addressee(Country("ID"), Country("ID")) == (
            "To the Embassy or Consulate of the Republic of Indonesia"
        )
    with translation.override("id"):
        # No official name: the common name in the language, as django-countries has it.
        assert official_country_name(Country("JP")) == ("Jepang", False)
        assert official_country_name(Country("ID")) == ("Negara Kesatuan Republik Indonesia", True)
        assert country_name(Country("NZ")) == "Selandia Baru"
    with translation.override("fr"):
        # django-countries' own translation comes first where it has one.
        assert country_name(Country("DE")) == "Allemagne"


def test_delegate_without_nationality_is_placed_in_their_member_country(programme):
    delegate = _delegate(programme, nationality="", country=member_country("LK"))
    assert _context(delegate)["addressee"] == (
        "To the Embassy or Consulate of the Republic of Indonesia in Sri Lanka"
    )


def test_issuer_signatory_and_funding_statement_come_from_the_programme(programme):
    programme.visa_issuing_authority = "Ministry of Education, Sri Lanka"
    programme.visa_signatory_name = "W. A. Perera"
    programme.visa_signatory_title = "Director General"
    programme.visa_funding_statement = (
        "The Colombo Plan Secretariat covers the delegate's return air ticket.\n\n"
        "The host pays a daily allowance of USD 40."
    )
    programme.save()
    # A certificate signatory exists but the programme's own visa signatory signs.
    SignatoryFactory(
        template=CertificateTemplateFactory(programme=programme),
        name="Certificate Signer",
        title="Head",
        signature=_signature(),
    )
    delegate = _delegate(programme)

    data = render_visa_letter(delegate, language="en")
    text = pdf_text(data)

    # The letterhead names the issuing authority instead of the host.
    assert programme.host_institution not in text
    assert "Ministry of Education, Sri Lanka is pleased to invite the person named below" in text
    assert (
        "The Colombo Plan Secretariat covers the delegate's return air ticket. "
        "The host pays a daily allowance of USD 40." in text
    )
    assert "local hospitality as arranged with the organisers" not in text
    assert (
        "Yours faithfully, W. A. Perera Director General Ministry of Education, Sri Lanka" in text
    )
    assert "Certificate Signer" not in text
    assert not PdfReader(io.BytesIO(data)).pages[0].images  # no scanned signature of theirs


def test_new_programme_starts_with_the_default_funding_statement(programme):
    assert programme.visa_funding_statement == DEFAULT_VISA_FUNDING_STATEMENT
    with translation.override("en"):
        assert funding_statement(programme) == DEFAULT_VISA_FUNDING_STATEMENT
    # Left unchanged, it is the interface's text: the letters print it in their language.
    with translation.override("id"):
        assert funding_statement(programme) == gettext(DEFAULT_VISA_FUNDING_STATEMENT)
    assert programme.visa_authority == programme.host_institution
    text = pdf_text(render_visa_letter(_delegate(programme), language="en"))
    assert (
        "accommodation and meals for the duration of the programme, and local transport to its "
        "sessions and visits" in text
    )
    assert (
        "international travel and any daily allowance are covered by the delegate's "
        "nominating institution" in text
    )


def test_date_and_place_of_birth_are_printed_where_recorded(programme):
    recorded = _delegate(
        programme, date_of_birth=date(1985, 4, 2), place_of_birth="Hanoi", passport_number="B1"
    )
    place_only = _delegate(programme, place_of_birth="Hue", passport_number="B2")
    unrecorded = _delegate(programme, passport_number="B3")

    data = render_visa_letter(recorded, language="en")
    text = pdf_text(data)
    assert "Date of birth 2 April 1985 Place of birth Hanoi" in text
    assert len(PdfReader(io.BytesIO(data)).pages) == 1  # every detail, still one page
    text = pdf_text(render_visa_letter(place_only, language="en"))
    assert "Date of birth" not in text
    assert "Place of birth Hue" in text
    text = pdf_text(render_visa_letter(unrecorded, language="en"))
    assert "Date of birth" not in text and "Place of birth" not in text


def test_date_and_place_of_birth_left_out_when_the_programme_says_so(programme):
    programme.visa_show_birth_details = False
    programme.save()
    delegate = _delegate(programme, date_of_birth=date(1985, 4, 2), place_of_birth="Hanoi")
    text = pdf_text(render_visa_letter(delegate, language="en"))
    assert "Date of birth" not in text and "Hanoi" not in text


def test_period_of_stay_is_the_recorded_travel_else_the_programme_dates(programme):
    jakarta = programme.tzinfo
    travelling = _delegate(
        programme,
        passport_number="T1",
        # Late on the 10th in Jakarta is already the 11th: the day is the programme's.
        arrival_at=datetime(2023, 11, 11, 0, 30, tzinfo=jakarta),
        departure_at=datetime(2023, 11, 18, 9, 0, tzinfo=jakarta),
    )
    arriving_only = _delegate(
        programme, passport_number="T2", arrival_at=datetime(2023, 11, 12, 15, tzinfo=jakarta)
    )
    unknown = _delegate(programme, passport_number="T3")

    assert "Period of stay 11–18 November 2023" in pdf_text(
        render_visa_letter(travelling, language="en")
    )
    assert _context(arriving_only)["stay"] == "12–17 November 2023"
    assert "Period of stay 13–17 November 2023" in pdf_text(
        render_visa_letter(unknown, language="en")
    )
    programme.visa_show_stay_dates = False
    programme.save()
    assert "Period of stay" not in pdf_text(render_visa_letter(travelling, language="en"))


def test_programme_settings_saved_from_the_programme_form(cast, programme):
    client = client_for(cast["organiser"])
    url = reverse("programs:edit", args=[programme.slug])
    form = client.get(url).context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name in form.fields and name != "logo"
    }
    data.update(
        {
            "start_date": "2023-11-13",
            "end_date": "2023-11-17",
            "visa_issuing_authority": "Ministry of Education",
            "visa_signatory_name": "W. A. Perera",
            "visa_signatory_title": "Director General",
            "visa_funding_statement": "The host pays everything.",
            "visa_show_stay_dates": "",
        }
    )
    # What a browser leaves out: unchecked boxes and empty fields.
    data = {name: value for name, value in data.items() if value is not False and value != ""}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    programme.refresh_from_db()
    assert (
        programme.visa_issuing_authority,
        programme.visa_signatory_name,
        programme.visa_signatory_title,
        programme.visa_funding_statement,
        programme.visa_show_stay_dates,
        programme.visa_show_birth_details,
    ) == (
        "Ministry of Education",
        "W. A. Perera",
        "Director General",
        "The host pays everything.",
        False,
        True,
    )


# --- A programme that is over ----------------------------------------------------------------


def test_programme_has_ended_after_its_last_day_in_its_own_time_zone(programme):
    assert not programme_has_ended(programme, today=date(2023, 11, 17))
    assert programme_has_ended(programme, today=date(2023, 11, 18))
    future = ProgrammeFactory(start_date=timezone.localdate() + timedelta(days=30))
    assert not programme_has_ended(future)
    assert programme_has_ended(programme)


def test_visa_page_warns_when_the_programme_is_over(cast, programme):
    client = client_for(cast["organiser"])
    page = client.get(reverse("reports:visa_letters", args=[programme.slug])).content.decode()
    assert "This programme is over: its last day was 17 November 2023." in page
    assert "“To the Embassy or Consulate of the Republic of Indonesia in …”" in page
    assert reverse("programs:edit", args=[programme.slug]) in page  # where the wording is set

    future = ProgrammeFactory(start_date=timezone.localdate() + timedelta(days=30))
    MembershipFactory(programme=future, user=cast["organiser"])
    page = client.get(reverse("reports:visa_letters", args=[future.slug])).content.decode()
    assert "This programme is over" not in page


def test_letter_for_a_programme_that_is_over_asks_first_and_starts_nothing(
    cast, programme, django_capture_on_commit_callbacks
):
    delegate = _delegate(programme)
    client = client_for(cast["organiser"])
    url = reverse("reports:visa_letters", args=[programme.slug])
    for fields in ({"participant": delegate.pk, "language": "en"}, {"language": "en"}):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, fields)
        page = response.content.decode()
        assert response.status_code == 200
        assert "The programme is over: generate visa support letters anyway?" in page
        assert "The programme&#x27;s last day was 17 November 2023." in page
        assert '<input type="hidden" name="confirmed" value="1">' in page
        assert "C1234567" not in page
    assert not GenerationJob.objects.exists()
    assert not PersonalDataAccess.objects.filter(kind="visa_letters_requested").exists()

    response = _ask_letter(client, programme, delegate.pk, django_capture_on_commit_callbacks)
    assert response["Location"] == url
    assert GenerationJob.objects.get().participant == delegate


def test_letters_of_a_programme_still_to_come_need_no_confirmation(
    cast, django_capture_on_commit_callbacks
):
    future = ProgrammeFactory(start_date=timezone.localdate() + timedelta(days=30))
    MembershipFactory(programme=future, user=cast["organiser"])
    _delegate(future, passport_expiry=timezone.localdate() + timedelta(days=900))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast["organiser"]).post(
            reverse("reports:visa_letters", args=[future.slug]), {"language": "en"}
        )
    assert response["Location"] == reverse("reports:visa_letters", args=[future.slug])
    job = GenerationJob.objects.get(programme=future)
    assert (job.status, job.total) == ("done", 1)


# --- The page and the single letter ----------------------------------------------------------


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_visa_page_shows_passport_numbers(cast, programme, role):
    _delegate(programme)
    response = client_for(cast[role]).get(reverse("reports:visa_letters", args=[programme.slug]))
    assert "C1234567" in response.content.decode()


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_single_letter_is_a_private_pdf(cast, programme, role, django_capture_on_commit_callbacks):
    delegate = _delegate(programme)
    client = client_for(cast[role])
    response = _ask_letter(client, programme, delegate.pk, django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("reports:visa_letters", args=[programme.slug])
    job = GenerationJob.objects.get()
    assert (job.kind, job.participant, job.status, job.total) == (
        "visa_letters",
        delegate,
        "done",
        1,
    )
    page = client.get(response["Location"]).content.decode()
    download = reverse("reports:job_combined", args=[job.pk])
    assert download in page
    response = client.get(download)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{programme.slug}-visa-letters-participant-{delegate.pk}-en.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    assert "Passport number C1234567" in pdf_text(b"".join(response.streaming_content))
    assert not job.archive  # one letter is its PDF alone


def test_single_letter_refused_to_staff_shows_no_passport(
    cast, programme, django_capture_on_commit_callbacks
):
    delegate = _delegate(programme)
    client = client_for(cast["staff"])
    response = _ask_letter(client, programme, delegate.pk, django_capture_on_commit_callbacks)
    assert response.status_code == 403
    assert b"C1234567" not in response.content
    assert not GenerationJob.objects.exists()


def test_letter_of_a_delegate_of_another_programme_is_404(
    cast, programme, django_capture_on_commit_callbacks
):
    other = _delegate(ProgrammeFactory(), passport_number="X9999999")
    client = client_for(cast["organiser"])
    response = _ask_letter(client, programme, other.pk, django_capture_on_commit_callbacks)
    assert response.status_code == 404
    assert b"X9999999" not in response.content
    assert not GenerationJob.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"category": Participant.Category.DOMESTIC},
        {"status": Participant.Status.WITHDRAWN},
    ],
)
def test_no_letter_for_domestic_or_withdrawn_participants(
    cast, programme, fields, django_capture_on_commit_callbacks
):
    participant = _delegate(programme, **fields)
    client = client_for(cast["organiser"])
    response = _ask_letter(client, programme, participant.pk, django_capture_on_commit_callbacks)
    assert response.status_code == 404
    assert not GenerationJob.objects.exists()


@pytest.mark.parametrize("value", ["abc", "", "-1", "1.5"])
def test_malformed_participant_is_404(cast, programme, value, django_capture_on_commit_callbacks):
    client = client_for(cast["organiser"])
    response = _ask_letter(client, programme, value, django_capture_on_commit_callbacks)
    assert response.status_code == 404


def test_incomplete_passport_details_give_a_clear_message(
    cast, programme, django_capture_on_commit_callbacks
):
    delegate = _delegate(programme, passport_number="", passport_expiry=None)
    client = client_for(cast["organiser"])
    response = _ask_letter(client, programme, delegate.pk, django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("reports:visa_letters", args=[programme.slug])
    messages = [str(message) for message in client.get(response["Location"]).context["messages"]]
    assert messages == [
        "The letter of Nguyen Thi Thu Ha (Nguyễn Thị Thu Hà) needs: passport number, "
        "passport expiry."
    ]
    assert not GenerationJob.objects.exists()


def test_unknown_language_asks_for_a_language(cast, programme, django_capture_on_commit_callbacks):
    delegate = _delegate(programme)
    client = client_for(cast["organiser"])
    response = _ask_letter(
        client, programme, delegate.pk, django_capture_on_commit_callbacks, language="xx"
    )
    messages = [str(message) for message in client.get(response["Location"]).context["messages"]]
    assert messages == ["Choose a language."]
    assert not GenerationJob.objects.exists()


def test_rows_flag_missing_details_and_passports_expiring_too_soon(programme):
    complete = _delegate(programme, full_name_latin="A Complete")
    soon = _delegate(
        programme,
        full_name_latin="B Soon",
        passport_number="S1",
        passport_expiry=date(2024, 2, 1),
    )
    missing = _delegate(
        programme, full_name_latin="C Missing", passport_number="", passport_expiry=None
    )
    _delegate(programme, category=Participant.Category.DOMESTIC, passport_number="D1")
    rows = visa_letter_rows(programme)
    assert [(row.participant, row.missing, row.expires_too_soon) for row in rows] == [
        (complete, [], False),
        (soon, [], True),
        (missing, ["passport number", "passport expiry"], False),
    ]


@pytest.mark.parametrize("size", [10, 500])
def test_visa_page_queries_do_not_grow_with_delegates(
    cast, programme, size, django_assert_max_num_queries
):
    country = member_country("LK")
    Participant.objects.bulk_create(
        [
            ParticipantFactory.build(
                programme=programme,
                category=Participant.Category.INTERNATIONAL,
                full_name=f"Delegate {number}",
                country=country,
                email=f"visa{number}@example.org",
                passport_number=f"N{number:07d}",
                passport_expiry=date(2030, 1, 1),
                badge_code=f"visa-{number}",
            )
            for number in range(size)
        ]
    )
    client = client_for(cast["organiser"])
    # Queries: session and user; the programme and the organiser's membership; the delegates
    # with their countries; the access-log entry (one INSERT, whatever the number of
    # delegates); the latest job of all letters; the latest letter of each delegate; the
    # navigation's memberships and participations.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("reports:visa_letters", args=[programme.slug]))
    assert response.status_code == 200
    assert len(response.context["rows"]) == size + 2  # the cast's two delegates as well


# --- All letters -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_all_letters_job_started_by_managers(
    cast, programme, role, django_capture_on_commit_callbacks
):
    _delegate(programme)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast[role]).post(
            reverse("reports:visa_letters", args=[programme.slug]),
            {"language": "en", **CONFIRMED},
        )
    assert response["Location"] == reverse("reports:visa_letters", args=[programme.slug])
    job = GenerationJob.objects.get(programme=programme, kind="visa_letters")
    assert (job.started_by, job.language) == (cast[role], "en")


def test_all_letters_job_renders_one_letter_per_complete_delegate(
    cast, programme, django_capture_on_commit_callbacks
):
    _delegate(programme)
    _delegate(
        programme,
        full_name="සුනිල් පෙරේරා",
        full_name_latin="Sunil Perera",
        nationality="LK",
        passport_number="N7654321",
    )
    _delegate(programme, full_name_latin="No Passport", passport_number="")
    client = client_for(cast["organiser"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reports:visa_letters", args=[programme.slug]), {"language": "en", **CONFIRMED}
        )
    job = GenerationJob.objects.get(programme=programme, kind="visa_letters")
    assert (job.status, job.total, job.done, job.started_by) == ("done", 2, 2, cast["organiser"])

    archive = client.get(reverse("reports:job_archive", args=[job.pk]))
    with zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))) as files:
        names = sorted(files.namelist())
    delegates = {p.full_name_latin: p.pk for p in programme.participants.all()}
    assert names == [
        f"visa-letter-{delegates['Nguyen Thi Thu Ha']}-nguyen-thi-thu-ha.pdf",
        f"visa-letter-{delegates['Sunil Perera']}-sunil-perera.pdf",
    ]
    combined = client.get(reverse("reports:job_combined", args=[job.pk]))
    text = pdf_text(b"".join(combined.streaming_content))
    assert "C1234567" in text and "N7654321" in text
    assert "No Passport" not in text
    # Staff never get the letters, not even through the job's files.
    assert (
        client_for(cast["staff"]).get(reverse("reports:job_combined", args=[job.pk])).status_code
        == 404
    )


def test_invalid_language_for_all_letters_starts_nothing(cast, programme):
    response = client_for(cast["organiser"]).post(
        reverse("reports:visa_letters", args=[programme.slug]),
        {"language": "xx", **CONFIRMED},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["Choose a language."]
    assert GenerationJob.objects.count() == 0
