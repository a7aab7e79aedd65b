"""The privacy notice and consent: asked with the invitation, readable and changeable later."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from participants.models import Participant
from programs.privacy import DEFAULT_PRIVACY_NOTICE_EN, DEFAULT_PRIVACY_NOTICE_ID
from tests.conftest import client_for
from tests.factories import InvitationFactory, ParticipantFactory, ProgrammeFactory, UserFactory

from .test_my_profile import VALID

TOKEN = "consent-token"
NOT_TICKED = "Please tick the box to accept the privacy notice before confirming."


@pytest.fixture
def invitee(programme):
    participant = ParticipantFactory(programme=programme, email="ana@example.org")
    InvitationFactory(participant=participant, token=TOKEN)
    return participant


@pytest.fixture
def ana(invitee):
    return client_for(UserFactory(email="ana@example.org"))


def link() -> str:
    return reverse("participants:invitation", args=[TOKEN])


# --- The notice ----------------------------------------------------------------------------------


def test_new_programme_has_the_default_notice_in_both_languages(db):
    programme = ProgrammeFactory()
    assert (programme.privacy_notice_en, programme.privacy_notice_local) == (
        DEFAULT_PRIVACY_NOTICE_EN,
        DEFAULT_PRIVACY_NOTICE_ID,
    )
    assert "Personal Data Protection Law (Law No. 27 of 2022)" in DEFAULT_PRIVACY_NOTICE_EN
    assert "Undang-Undang Nomor 27 Tahun 2022" in DEFAULT_PRIVACY_NOTICE_ID


def test_notice_is_read_in_the_page_language_english_when_no_indonesian(programme):
    programme.privacy_notice_en, programme.privacy_notice_local = "In English.", "Dalam bahasa."
    with translation.override("id"):
        assert programme.privacy_notice == "Dalam bahasa."
    with translation.override("en"):
        assert programme.privacy_notice == "In English."
    programme.privacy_notice_local = ""
    with translation.override("id"):
        assert programme.privacy_notice == "In English."


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_organisers_edit_the_notice(cast, programme, role):
    url = reverse("programs:privacy_notice", args=[programme.slug])
    client = client_for(cast[role])
    assert client.get(url).context["form"]["privacy_notice_en"].value() == (
        DEFAULT_PRIVACY_NOTICE_EN
    )
    response = client.post(
        url, {"privacy_notice_en": "Our own notice.", "privacy_notice_local": "Pemberitahuan kami."}
    )
    assert response["Location"] == url
    programme.refresh_from_db()
    assert (programme.privacy_notice_en, programme.privacy_notice_local) == (
        "Our own notice.",
        "Pemberitahuan kami.",
    )


def test_notice_needs_an_english_text(cast, programme):
    url = reverse("programs:privacy_notice", args=[programme.slug])
    response = client_for(cast["organiser"]).post(
        url, {"privacy_notice_en": "", "privacy_notice_local": "Pemberitahuan kami."}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"privacy_notice_en": ["This field is required."]}
    programme.refresh_from_db()
    assert programme.privacy_notice_en == DEFAULT_PRIVACY_NOTICE_EN


def test_staff_may_not_edit_the_notice(cast, programme):
    url = reverse("programs:privacy_notice", args=[programme.slug])
    response = client_for(cast["staff"]).post(url, {"privacy_notice_en": "Changed."})
    assert response.status_code == 403
    programme.refresh_from_db()
    assert programme.privacy_notice_en == DEFAULT_PRIVACY_NOTICE_EN


# --- Accepting the invitation --------------------------------------------------------------------


def test_confirm_page_shows_the_programmes_notice_and_the_consent_boxes(ana, programme):
    programme.privacy_notice_en = "We keep your passport until the letters are sent."
    programme.save()
    page = ana.get(link()).content.decode()
    assert "We keep your passport until the letters are sent." in page
    assert 'name="consent"' in page
    assert 'name="photo_consent"' in page


def test_confirm_page_in_indonesian_shows_the_indonesian_notice(ana, programme):
    page = ana.get(link(), HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Institusi penyelenggara program ini" in page


def test_attending_without_the_consent_box_is_a_form_error_and_loses_nothing(ana, invitee):
    response = ana.post(link(), {"answer": "attend", "photo_consent": "no"})
    assert response.status_code == 400
    form = response.context["consent_form"]
    assert form.errors == {"consent": [NOT_TICKED]}
    page = response.content.decode()
    assert NOT_TICKED in page
    # The answer about photos is still chosen.
    assert 'value="no" required id="id_photo_consent_1" checked' in page
    invitee.refresh_from_db()
    assert (invitee.status, invitee.privacy_consent_at, invitee.photo_consent) == (
        Participant.Status.INVITED,
        None,
        None,
    )
    assert invitee.invitation.accepted_at is None
    assert not invitee.status_changes.exists()


def test_attending_without_an_answer_about_photos_is_a_form_error(ana, invitee):
    response = ana.post(link(), {"answer": "attend", "consent": "on"})
    assert response.status_code == 400
    assert response.context["consent_form"].errors == {
        "photo_consent": ["Choose whether photos showing you may be used."]
    }
    # The tick is kept.
    assert 'name="consent" required id="id_consent" checked' in response.content.decode()
    invitee.refresh_from_db()
    assert (invitee.status, invitee.privacy_consent_at) == (Participant.Status.INVITED, None)


@pytest.mark.parametrize(("answer", "stored"), [("yes", True), ("no", False)])
def test_attending_with_consent_stores_its_time_and_the_photo_answer(ana, invitee, answer, stored):
    before = timezone.now()
    response = ana.post(link(), {"answer": "attend", "consent": "on", "photo_consent": answer})
    assert response.status_code == 302
    invitee.refresh_from_db()
    assert invitee.status == Participant.Status.CONFIRMED
    assert before <= invitee.privacy_consent_at <= timezone.now()
    assert (invitee.photo_consent, invitee.photo_consent_at) == (stored, invitee.privacy_consent_at)


def test_declining_asks_for_no_consent_and_stores_none(ana, invitee):
    response = ana.post(link(), {"answer": "decline"})
    assert response.status_code == 302
    invitee.refresh_from_db()
    assert (invitee.status, invitee.privacy_consent_at, invitee.photo_consent) == (
        Participant.Status.DECLINED,
        None,
        None,
    )


# --- The delegate's privacy page -----------------------------------------------------------------


@pytest.fixture
def delegate(cast):
    return Participant.objects.get(user=cast["delegate"])


def test_privacy_page_asks_a_delegate_who_has_not_accepted_yet(cast, delegate):
    client = client_for(cast["delegate"])
    url = reverse("participants:my_privacy")
    page = client.get(url)
    assert page.context["form"] is not None
    assert DEFAULT_PRIVACY_NOTICE_EN.splitlines()[0] in page.content.decode()

    response = client.post(url, {"photo_consent": "yes"})
    assert response.context["form"].errors == {"consent": [NOT_TICKED]}
    delegate.refresh_from_db()
    assert delegate.privacy_consent_at is None

    before = timezone.now()
    response = client.post(url, {"consent": "on", "photo_consent": "no"})
    assert response["Location"] == url
    delegate.refresh_from_db()
    assert before <= delegate.privacy_consent_at <= timezone.now()
    assert delegate.photo_consent is False


def test_privacy_page_shows_the_notice_and_answers_once_accepted(cast, delegate):
    accepted = timezone.now() - timedelta(days=3)
    Participant.objects.filter(pk=delegate.pk).update(
        privacy_consent_at=accepted, photo_consent=True, photo_consent_at=accepted
    )
    client = client_for(cast["delegate"])
    url = reverse("participants:my_privacy")
    page = client.get(url)
    assert page.context["form"] is None
    content = page.content.decode()
    assert DEFAULT_PRIVACY_NOTICE_EN.splitlines()[0] in content
    assert "May be used in the programme's gallery and closing report" in content
    # A second acceptance does not move the first one's time.
    client.post(url, {"consent": "on", "photo_consent": "no"})
    delegate.refresh_from_db()
    assert (delegate.privacy_consent_at, delegate.photo_consent) == (accepted, True)


def test_profile_links_to_the_notice(cast, delegate):
    page = client_for(cast["delegate"]).get(reverse("participants:my_profile"))
    assert reverse("participants:my_privacy") in page.content.decode()


# --- Photo consent on the profile ----------------------------------------------------------------


@pytest.mark.parametrize(("answer", "stored"), [("yes", True), ("no", False)])
def test_delegate_changes_photo_consent_on_the_profile(cast, delegate, answer, stored):
    Participant.objects.filter(pk=delegate.pk).update(photo_consent=not stored)
    before = timezone.now()
    response = client_for(cast["delegate"]).post(
        reverse("participants:my_profile"), {**VALID, "photo_consent": answer}
    )
    assert response.status_code == 302
    delegate.refresh_from_db()
    assert delegate.photo_consent is stored
    assert before <= delegate.photo_consent_at <= timezone.now()


def test_profile_without_an_answer_keeps_the_stored_one(cast, delegate):
    answered = timezone.now() - timedelta(days=1)
    Participant.objects.filter(pk=delegate.pk).update(
        photo_consent=False, photo_consent_at=answered
    )
    client = client_for(cast["delegate"])
    page = client.get(reverse("participants:my_profile")).content.decode()
    assert 'value="no" id="id_photo_consent_1" checked' in page
    client.post(reverse("participants:my_profile"), VALID)
    delegate.refresh_from_db()
    assert (delegate.photo_consent, delegate.photo_consent_at) == (False, answered)


def test_organisers_see_the_consent_on_the_participant_page(cast, programme, delegate):
    Participant.objects.filter(pk=delegate.pk).update(
        privacy_consent_at=timezone.now(), photo_consent=False
    )
    page = client_for(cast["staff"]).get(
        reverse("participants:detail", args=[programme.slug, delegate.pk])
    )
    content = page.content.decode()
    assert "Privacy notice accepted" in content
    assert "Refused" in content
