from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from participants.models import Participant
from tests.conftest import client_for
from tests.factories import ParticipantFactory, ProgrammeFactory, UserFactory, member_country
from tests.uploads import bomb_upload

URL = "/me/profile/"

# Everything the form accepts, valid for a programme of 13–17 Nov 2023 in Jakarta.
VALID = {
    "full_name_latin": "Nguyen Thi Lan",
    "certificate_name": "Nguyễn Thị Lan",
    "gender": "female",
    "position": "Head of Reader Services",
    "institution": "National Library of Vietnam",
    "phone": "+84 24 3825 5397",
    "nationality": "VN",
    "passport_number": "C1234567",
    "passport_expiry": "2030-01-31",
    "date_of_birth": "1984-07-09",
    "place_of_birth": "Hai Phong",
    "arrival_at": "2023-11-12T14:30",
    "arrival_details": "VN 631",
    "departure_at": "2023-11-18T09:15",
    "departure_details": "VN 630",
    "dietary_needs": "Vegetarian",
    "accessibility_needs": "",
    "emergency_contact_name": "Tran Van Minh",
    "emergency_contact_phone": "+84 90 000 0000",
    "emergency_contact_relation": "Husband",
}


@pytest.fixture
def delegate(cast):
    return cast["delegate"]


def own(user) -> Participant:
    return Participant.objects.get(user=user)


def post(user, data, url=URL, **extra):
    return client_for(user).post(url, {**VALID, **data}, **extra)


def png_upload(name="photo.png", size=(900, 1200)) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", size, "navy").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_url_is_fixed():
    assert reverse("participants:my_profile") == URL


def test_my_profile_sends_visitors_to_sign_in_and_back(db):
    response = Client().get(URL)
    assert response["Location"] == f"{reverse('account_login')}?next={URL}"


def test_my_profile_shows_the_own_record_only(cast, programme):
    content = client_for(cast["delegate"]).get(URL).content.decode()
    assert own(cast["delegate"]).full_name in content
    assert own(cast["delegate_b"]).full_name not in content
    assert programme.title_en in content


def test_profile_shows_registration_read_only(delegate, programme):
    participant = own(delegate)
    response = client_for(delegate).get(URL)
    content = response.content.decode()
    assert "International delegate" in content
    assert "Invited" in content
    assert "Vietnam" in content
    form = response.context["form"]
    for name in ("category", "status", "email", "country", "programme", "user"):
        assert name not in form.fields
    assert response.context["participant"] == participant


def test_profile_form_shows_date_and_place_of_birth(delegate):
    page = client_for(delegate).get(URL).content.decode()
    assert 'name="date_of_birth"' in page
    assert 'name="place_of_birth"' in page


def test_saving_details_updates_own_record(delegate, programme):
    response = post(delegate, {})
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?programme={programme.slug}"
    participant = own(delegate)
    assert participant.full_name_latin == "Nguyen Thi Lan"
    assert participant.certificate_name == "Nguyễn Thị Lan"
    assert participant.passport_number == "C1234567"
    assert participant.passport_expiry == date(2030, 1, 31)
    assert (participant.date_of_birth, participant.place_of_birth) == (
        date(1984, 7, 9),
        "Hai Phong",
    )
    assert participant.nationality.code == "VN"
    assert participant.dietary_needs == "Vegetarian"
    assert participant.emergency_contact_relation == "Husband"


def test_travel_times_are_in_the_programme_time_zone(delegate, programme, settings):
    settings.TIME_ZONE = "UTC"  # the site's default zone must not matter
    post(delegate, {})
    participant = own(delegate)
    # 14:30 in Jakarta (UTC+7) is 07:30 UTC.
    assert participant.arrival_at == datetime(2023, 11, 12, 7, 30, tzinfo=UTC)
    assert participant.departure_at == datetime(2023, 11, 18, 2, 15, tzinfo=UTC)
    page = client_for(delegate).get(URL).content.decode()
    assert 'value="2023-11-12T14:30"' in page


def test_registration_fields_cannot_be_posted(delegate, programme):
    other_programme = ProgrammeFactory()
    before = own(delegate)
    response = post(
        delegate,
        {
            "category": "speaker",
            "status": "confirmed",
            "email": "changed@example.org",
            "country": member_country("TH").pk,
            "programme": other_programme.pk,
            "user": UserFactory().pk,
            "passport_locked": "on",
            "full_name": "Someone Else",
            "accommodation": "Presidential suite",
        },
    )
    assert response.status_code == 302
    after = own(delegate)
    assert (
        after.category,
        after.status,
        after.email,
        after.country_id,
        after.programme_id,
        after.user_id,
        after.passport_locked,
        after.full_name,
        after.accommodation,
    ) == (
        before.category,
        before.status,
        before.email,
        before.country_id,
        before.programme_id,
        before.user_id,
        False,
        before.full_name,
        before.accommodation,
    )
    assert after.full_name_latin == "Nguyen Thi Lan"  # the allowed fields were saved


def test_delegate_b_cannot_see_or_alter_delegate_a(cast, programme):
    a, b = own(cast["delegate"]), own(cast["delegate_b"])
    # No parameter leads to another participant's record.
    for query in (f"?pk={a.pk}", f"?participant={a.pk}", f"?id={a.pk}", f"?user={a.user_id}"):
        page = client_for(cast["delegate_b"]).get(URL + query)
        assert page.context["participant"] == b
        assert a.full_name not in page.content.decode()
    response = post(
        cast["delegate_b"],
        {"pk": a.pk, "id": a.pk, "participant": a.pk, "full_name_latin": "Changed by B"},
        url=f"{URL}?pk={a.pk}",
    )
    assert response.status_code == 302
    assert own(cast["delegate"]).full_name_latin == a.full_name_latin
    assert own(cast["delegate_b"]).full_name_latin == "Changed by B"


def test_programme_switch_among_own_participations_only(delegate, programme, cast):
    later = ProgrammeFactory(start_date=date(2024, 11, 11), slug="ksp-2024")
    ParticipantFactory(programme=later, user=delegate, full_name="Lan in 2024")
    response = client_for(delegate).get(URL)
    assert response.context["participant"].programme == later  # the most recent first
    response = client_for(delegate).get(f"{URL}?programme={programme.slug}")
    assert response.context["participant"] == own_in(delegate, programme)
    assert f'href="?programme={programme.slug}"' in response.content.decode()
    # A programme the user does not attend is not theirs to see, even if it exists.
    foreign = ProgrammeFactory(slug="someone-elses")
    ParticipantFactory(programme=foreign, user=cast["delegate_b"])
    assert client_for(delegate).get(f"{URL}?programme=someone-elses").status_code == 404


def own_in(user, programme) -> Participant:
    return Participant.objects.get(user=user, programme=programme)


def test_locked_passport_cannot_be_changed(delegate):
    Participant.objects.filter(user=delegate).update(
        passport_number="B7654321", passport_expiry=date(2029, 5, 1), passport_locked=True
    )
    page = client_for(delegate).get(URL)
    assert "passport_number" not in page.context["form"].fields
    assert "B7654321" in page.content.decode()
    response = post(
        delegate,
        {
            "passport_number": "X0000000",
            "passport_expiry": "2035-01-01",
            "date_of_birth": "1990-01-01",
            "place_of_birth": "Elsewhere",
        },
    )
    assert response.status_code == 302
    participant = own(delegate)
    assert (
        participant.passport_number,
        participant.passport_expiry,
        participant.date_of_birth,
        participant.place_of_birth,
    ) == ("B7654321", date(2029, 5, 1), None, "")
    assert participant.full_name_latin == "Nguyen Thi Lan"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"passport_expiry": "2023-11-16"},
            "passport_expiry",
            "The passport must be valid until the programme's last day",
        ),
        (
            {"arrival_at": "2023-11-05T10:00"},
            "arrival_at",
            "Travel dates must fall between",
        ),
        (
            {"departure_at": "2023-11-25T10:00"},
            "departure_at",
            "Travel dates must fall between",
        ),
        (
            {"arrival_at": "2023-11-14T10:00", "departure_at": "2023-11-13T10:00"},
            "departure_at",
            "The departure must be after the arrival.",
        ),
        ({"arrival_at": "not a date"}, "arrival_at", "Enter a valid date/time."),
        ({"gender": "unknown"}, "gender", "Select a valid choice."),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "A date of birth must be in the past."),
    ],
)
def test_invalid_details_are_refused(delegate, data, field, message):
    before = own(delegate)
    response = post(delegate, data)
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(message in error for error in errors)
    after = own(delegate)
    assert (after.full_name_latin, after.arrival_at) == (before.full_name_latin, before.arrival_at)
    assert "Please correct the errors below." in response.content.decode()


def test_travel_on_the_margins_is_accepted(delegate):
    response = post(
        delegate, {"arrival_at": "2023-11-06T00:30", "departure_at": "2023-11-24T23:30"}
    )
    assert response.status_code == 302
    participant = own(delegate)
    # Jakarta wall-clock times, stored in UTC.
    assert participant.arrival_at == datetime(2023, 11, 5, 17, 30, tzinfo=UTC)
    assert participant.departure_at == datetime(2023, 11, 24, 16, 30, tzinfo=UTC)


def test_passport_number_must_be_unique_in_the_programme(delegate, cast, programme):
    Participant.objects.filter(user=cast["delegate_b"]).update(passport_number="C1234567")
    response = post(delegate, {"passport_number": "c1234567"})
    assert response.status_code == 200
    assert response.context["form"].errors["passport_number"] == [
        "Another participant of this programme has this passport number."
    ]
    # The same number in another programme is fine.
    Participant.objects.filter(user=cast["delegate_b"]).update(passport_number="")
    ParticipantFactory(passport_number="C1234567")
    assert post(delegate, {}).status_code == 302


def test_record_missing_registration_facts_can_still_be_saved(delegate):
    # An international delegate without a country fails the model's check, which is the
    # organisers' to fix: the delegate's own details still save.
    Participant.objects.filter(user=delegate).update(country=None)
    response = post(delegate, {})
    assert response.status_code == 302
    assert own(delegate).full_name_latin == "Nguyen Thi Lan"


def test_photo_is_reencoded(delegate, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = post(delegate, {"photo": png_upload()})
    assert response.status_code == 302
    participant = own(delegate)
    with Image.open(participant.photo.path) as image:
        assert (image.format, max(image.size)) == ("JPEG", 600)
    # Uploading again replaces the file rather than adding a second one.
    post(delegate, {"photo": png_upload(size=(300, 300))})
    participant = own(delegate)
    assert (
        participant.photo.name
        == f"participants/{participant.programme_id}/{participant.pk}/photo.jpg"
    )
    assert len(list((tmp_path / participant.photo.name).parent.iterdir())) == 1
    post(delegate, {"remove_photo": "on"})
    assert not own(delegate).photo


def test_non_image_photo_is_refused(delegate, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = post(delegate, {"photo": fake})
    assert response.status_code == 200
    assert response.context["form"].errors["photo"] == [
        "The file is not an image (JPEG, PNG, WebP or GIF)."
    ]
    assert not own(delegate).photo
    assert own(delegate).full_name_latin != "Nguyen Thi Lan"


def test_own_photo_decompression_bomb_is_a_form_error_and_the_form_stays_filled(
    delegate, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    response = post(delegate, {"photo": bomb_upload(), "position": "Head of Kept Services"})
    assert response.status_code == 200
    assert response.context["form"].errors["photo"] == ["The image has too many pixels."]
    assert 'value="Head of Kept Services"' in response.content.decode()
    assert not own(delegate).photo
    assert own(delegate).position != "Head of Kept Services"
