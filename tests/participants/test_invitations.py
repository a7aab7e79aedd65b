import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from participants.invitations import INVITATION_VALID_FOR, hash_token, send_invitation
from participants.models import Invitation, Participant, StatusChange
from tests.conftest import client_for
from tests.factories import PASSWORD, EmailAddressFactory, ParticipantFactory, UserFactory

NEW_PASSWORD = "a-long-and-unusual-passphrase-42"
LINK = re.compile(r"http://testserver(/invitations/[A-Za-z0-9_-]+/)")
# Accepting the privacy notice and answering about photos come with every "I will attend".
CONSENT = {"consent": "on", "photo_consent": "yes"}


@pytest.fixture
def organiser(cast):
    return cast["organiser"]


@pytest.fixture
def invitee(programme):
    return ParticipantFactory(
        programme=programme, email="ana.invitee@example.org", full_name="Ana Invitee"
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def invite(organiser, participant) -> str:
    """Send the invitation as the organiser would; return the link's path."""
    mail.outbox.clear()
    response = client_for(organiser).post(
        reverse("participants:invite", args=[participant.programme.slug, participant.pk])
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    return LINK.search(mail.outbox[0].body)[1]


def test_invitation_end_to_end_creates_account_and_confirms(organiser, invitee, programme):
    response = client_for(organiser).post(
        reverse("participants:invite", args=[programme.slug, invitee.pk]), follow=False
    )
    assert response["Location"] == reverse("participants:detail", args=[programme.slug, invitee.pk])
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana.invitee@example.org"]
    link = LINK.search(mail.outbox[0].body)[1]

    visitor = Client()
    page = visitor.get(link)
    assert page.status_code == 200
    assert "Create your account" in page.content.decode()
    signup_url = page.context["signup_url"]
    assert signup_url.startswith(reverse("account_signup") + "?")
    form_page = visitor.get(signup_url)
    assert form_page.context["form"]["email"].value() == "ana.invitee@example.org"

    response = visitor.post(
        reverse("account_signup"),
        {
            "email": "ana.invitee@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "next": link,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == link
    user = get_user_model().objects.get(email="ana.invitee@example.org")
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified")) == [
        ("ana.invitee@example.org", True)
    ]
    assert len(mail.outbox) == 1  # no verification e-mail: the link proved the address

    page = visitor.get(link)
    assert page.context["user"] == user
    assert "I will attend" in page.content.decode()

    response = visitor.post(link, {"answer": "attend", **CONSENT})
    assert response.status_code == 302
    assert (
        response["Location"] == f"{reverse('participants:my_profile')}?programme={programme.slug}"
    )
    invitee.refresh_from_db()
    assert invitee.status == Participant.Status.CONFIRMED
    assert invitee.user == user
    assert invitee.invitation.accepted_at is not None
    change = invitee.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == (
        "invited",
        "confirmed",
        user,
    )
    profile = visitor.get(response["Location"])
    assert profile.status_code == 200
    assert "Ana Invitee" in profile.content.decode()


def test_invitation_email_is_bilingual_and_names_programme_dates_and_expiry(
    organiser, invitee, programme
):
    invitee.full_name = "Ana O'Neil & Co"
    invitee.save()
    invite(organiser, invitee)
    message = mail.outbox[0]
    expiry = timezone.localtime(invitee.invitation.expires_at, programme.tzinfo)
    assert programme.short_name_en in message.subject
    assert " / " in message.subject or message.subject.count(programme.short_name_en) == 1
    english, indonesian = message.body.split("-" * 60)
    assert programme.title_en in english
    assert programme.title_local in indonesian
    for section in (english, indonesian):
        assert "13 November 2023" in section
        assert "17 November 2023" in section
        assert expiry.strftime("%Y") in section
        assert f"{expiry.day} " in section
        assert "Ana O'Neil & Co" in section  # plain text: nothing HTML-escaped
        assert LINK.search(section)
    assert message.reply_to == [organiser.email]


def test_send_invitation_sets_hash_expiry_and_sender(organiser, invitee, rf):
    before = timezone.now()
    invitation = send_invitation(participant=invitee, by=organiser, request_or_base_url=rf.get("/"))
    token = LINK.search(mail.outbox[0].body)[1].split("/")[2]
    assert invitation.token_hash == hash_token(token)
    assert token not in invitation.token_hash
    assert invitation.sent_to == "ana.invitee@example.org"
    assert invitation.sent_by == organiser
    assert invitation.send_count == 1
    assert before + INVITATION_VALID_FOR <= invitation.expires_at
    assert invitation.expires_at <= timezone.now() + INVITATION_VALID_FOR


def test_send_invitation_with_base_url(organiser, invitee):
    send_invitation(participant=invitee, by=organiser, request_or_base_url="https://tpbis.test/")
    assert re.search(r"https://tpbis\.test/invitations/[\w-]+/", mail.outbox[0].body)


def test_send_invitation_without_email_is_refused(organiser, programme):
    participant = ParticipantFactory(programme=programme, email="")
    with pytest.raises(ValidationError):
        send_invitation(participant=participant, by=organiser, request_or_base_url="http://x")
    response = client_for(organiser).post(
        reverse("participants:invite", args=[programme.slug, participant.pk])
    )
    assert messages_of(response) == [
        f"{participant.display_name} has no e-mail address; add one before sending an invitation."
    ]
    assert mail.outbox == []
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("status", ["declined", "withdrawn"])
def test_send_invitation_to_declined_or_withdrawn_is_refused(organiser, programme, status):
    participant = ParticipantFactory(programme=programme, status=status)
    with pytest.raises(ValidationError):
        send_invitation(participant=participant, by=organiser, request_or_base_url="http://x")
    assert mail.outbox == []


def test_invite_success_message_names_the_address(organiser, invitee, programme):
    response = client_for(organiser).post(
        reverse("participants:invite", args=[programme.slug, invitee.pk])
    )
    assert messages_of(response) == ["Invitation sent to ana.invitee@example.org."]


class FailingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


def test_invite_mail_failure_keeps_the_old_link(organiser, invitee, programme, settings):
    link = invite(organiser, invitee)
    settings.EMAIL_BACKEND = f"{__name__}.FailingEmailBackend"
    response = client_for(organiser).post(
        reverse("participants:invite", args=[programme.slug, invitee.pk])
    )
    assert messages_of(response) == [
        "The invitation could not be sent because the mail server failed. Try again later."
    ]
    invitation = Invitation.objects.get()
    assert invitation.send_count == 1
    assert Client().get(link).status_code == 200


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_invite_sends_the_invitation(cast, programme, invitee, role):
    response = client_for(cast[role]).post(
        reverse("participants:invite", args=[programme.slug, invitee.pk])
    )
    assert response["Location"] == reverse("participants:detail", args=[programme.slug, invitee.pk])
    assert [m.to for m in mail.outbox] == [["ana.invitee@example.org"]]
    assert Invitation.objects.filter(participant=invitee).exists()


def test_invite_get_is_not_allowed(organiser, invitee, programme):
    response = client_for(organiser).get(
        reverse("participants:invite", args=[programme.slug, invitee.pk])
    )
    assert response.status_code == 405
    assert mail.outbox == []


def test_invite_participant_of_another_programme_is_404(organiser, programme):
    stranger = ParticipantFactory()  # another programme
    response = client_for(organiser).post(
        reverse("participants:invite", args=[programme.slug, stranger.pk])
    )
    assert response.status_code == 404
    assert mail.outbox == []


def test_unknown_token_shows_a_friendly_404(db):
    response = Client().get(reverse("participants:invitation", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_expired_link_is_refused(organiser, invitee):
    link = invite(organiser, invitee)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = Client().get(link)
    assert response.status_code == 410
    assert "This invitation link has expired" in response.content.decode()
    assert "ask the organiser to send your invitation again" in response.content.decode()
    # Signed in with the right account, the answer is refused too.
    user = UserFactory(email="ana.invitee@example.org")
    response = client_for(user).post(link, {"answer": "attend", **CONSENT})
    assert response.status_code == 410
    invitee.refresh_from_db()
    assert (invitee.status, invitee.user) == ("invited", None)


def test_expired_link_does_not_open_signup(organiser, invitee):
    link = invite(organiser, invitee)
    visitor = Client()
    visitor.get(link)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = visitor.get(reverse("account_signup"))
    assert "closed" in response.content.decode().lower()


def test_resend_invalidates_the_old_link(organiser, invitee):
    old_link = invite(organiser, invitee)
    visitor = Client()
    visitor.get(old_link)  # holds the old invitation in the session
    new_link = invite(organiser, invitee)
    assert new_link != old_link
    assert Invitation.objects.get().send_count == 2
    assert Client().get(old_link).status_code == 404
    assert Client().get(new_link).status_code == 200
    # The old invitation held in the session no longer opens sign-up.
    assert "closed" in visitor.get(reverse("account_signup")).content.decode().lower()


def test_existing_account_signs_in_then_confirms(organiser, invitee):
    user = UserFactory(email="ana.invitee@example.org")
    link = invite(organiser, invitee)
    visitor = Client()
    page = visitor.get(link)
    content = page.content.decode()
    assert "Sign in to continue" in content
    assert (
        page.context["login_url"] == f"{reverse('account_login')}?next={link.replace('/', '%2F')}"
    )
    assert page.context["login_code_url"] == (
        f"{reverse('account_request_login_code')}?next={link.replace('/', '%2F')}"
    )
    assert 'value="ana.invitee@example.org"' in content
    # Signing up is not offered to someone who already has an account.
    assert "closed" in visitor.get(reverse("account_signup")).content.decode().lower()

    response = visitor.post(
        page.context["login_url"], {"login": "ana.invitee@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == link
    response = visitor.post(link, {"answer": "attend", **CONSENT})
    assert response.status_code == 302
    invitee.refresh_from_db()
    assert (invitee.status, invitee.user) == ("confirmed", user)
    assert invitee.status_changes.get().changed_by == user


def test_existing_account_signs_in_with_an_emailed_code(organiser, invitee):
    user = UserFactory(email="ana.invitee@example.org")
    link = invite(organiser, invitee)
    visitor = Client()
    code_url = visitor.get(link).context["login_code_url"]
    response = visitor.post(code_url, {"email": "ana.invitee@example.org"})
    assert response.status_code == 302
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.MULTILINE)[1]
    response = visitor.post(response["Location"], {"code": code})
    assert response.status_code == 302
    assert response["Location"] == link
    assert "I will attend" in visitor.get(link).content.decode()
    invitee.refresh_from_db()
    assert invitee.user == user


def test_decline(organiser, invitee):
    user = UserFactory(email="ana.invitee@example.org")
    link = invite(organiser, invitee)
    visitor = client_for(user)
    response = visitor.post(link, {"answer": "decline"})
    assert response.status_code == 302
    assert response["Location"] == link
    page = visitor.get(link)
    content = page.content.decode()
    assert "You have declined this invitation" in content
    assert "Thank you for letting us know." in content
    assert "Your answer has been sent to the organisers." in content
    invitee.refresh_from_db()
    assert invitee.status == Participant.Status.DECLINED
    assert invitee.invitation.accepted_at is not None
    change = invitee.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == (
        "invited",
        "declined",
        user,
    )


def test_answer_must_be_chosen(organiser, invitee):
    user = UserFactory(email="ana.invitee@example.org")
    link = invite(organiser, invitee)
    response = client_for(user).post(link, {"answer": "maybe"})
    assert response.status_code == 400
    assert "Choose whether you will attend." in response.content.decode()
    invitee.refresh_from_db()
    assert invitee.status == "invited"


def test_withdrawn_participant_sees_so(organiser, invitee):
    link = invite(organiser, invitee)
    Participant.objects.filter(pk=invitee.pk).update(status=Participant.Status.WITHDRAWN)
    response = Client().get(link)
    assert response.status_code == 200
    assert "Your registration has been withdrawn" in response.content.decode()
    assert "closed" in Client().get(reverse("account_signup")).content.decode().lower()


def test_wrong_signed_in_account_is_refused(organiser, invitee, cast):
    link = invite(organiser, invitee)
    other = cast["delegate_b"]
    response = client_for(other).post(link, {"answer": "attend", **CONSENT})
    assert response.status_code == 403
    content = response.content.decode()
    assert "This invitation is for ana.invitee@example.org" in content
    assert "Sign out" in content
    invitee.refresh_from_db()
    assert (invitee.status, invitee.user) == ("invited", None)
    assert not StatusChange.objects.filter(participant=invitee).exists()


def test_unverified_matching_address_is_not_enough(organiser, invitee):
    user = UserFactory(email="someone@example.org")
    EmailAddressFactory(user=user, email="ana.invitee@example.org", verified=False)
    link = invite(organiser, invitee)
    response = client_for(user).get(link)
    assert response.status_code == 403
    invitee.refresh_from_db()
    assert invitee.user is None


def test_participant_linked_to_another_account_is_refused(organiser, invitee):
    owner = UserFactory()
    link = invite(organiser, invitee)
    Participant.objects.filter(pk=invitee.pk).update(user=owner)
    user = UserFactory(email="ana.invitee@example.org")
    response = client_for(user).post(link, {"answer": "attend", **CONSENT})
    assert response.status_code == 403
    assert "already linked to another account" in response.content.decode()
    invitee.refresh_from_db()
    assert (invitee.status, invitee.user) == ("invited", owner)


def test_account_already_registered_in_the_programme_is_refused(organiser, invitee, cast):
    # delegate A is already a participant of the programme; a second record cannot be theirs.
    EmailAddressFactory(user=cast["delegate"], email="ana.invitee@example.org")
    link = invite(organiser, invitee)
    response = client_for(cast["delegate"]).get(link)
    assert response.status_code == 403
    assert "already registered for this programme" in response.content.decode()
    invitee.refresh_from_db()
    assert invitee.user is None


def test_reopening_an_accepted_link_goes_to_the_profile(organiser, invitee, programme):
    user = UserFactory(email="ana.invitee@example.org")
    link = invite(organiser, invitee)
    visitor = client_for(user)
    visitor.post(link, {"answer": "attend", **CONSENT})
    Invitation.objects.update(expires_at=timezone.now() - timedelta(days=30))
    response = visitor.get(link)
    assert response.status_code == 302
    assert (
        response["Location"] == f"{reverse('participants:my_profile')}?programme={programme.slug}"
    )
    invitee.refresh_from_db()
    assert (invitee.user, invitee.status) == (user, Participant.Status.CONFIRMED)


def test_link_for_an_already_confirmed_participant_links_the_account(organiser, programme):
    participant = ParticipantFactory(
        programme=programme, email="ana.invitee@example.org", status="confirmed"
    )
    user = UserFactory(email="ana.invitee@example.org")
    link = invite(organiser, participant)
    response = client_for(user).get(link)
    assert response.status_code == 302
    assert (
        response["Location"] == f"{reverse('participants:my_profile')}?programme={programme.slug}"
    )
    participant.refresh_from_db()
    assert (participant.status, participant.user) == ("confirmed", user)
    assert participant.invitation.accepted_at is not None
    assert not participant.status_changes.exists()


def test_signup_closed_without_invitation(client, db):
    response = client.get(reverse("account_signup"))
    assert "closed" in response.content.decode().lower()
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert "closed" in response.content.decode().lower()
    assert not get_user_model().objects.filter(email="new@example.org").exists()


def test_signup_with_another_address_still_needs_verification(organiser, invitee):
    link = invite(organiser, invitee)
    visitor = Client()
    visitor.get(link)
    response = visitor.post(
        reverse("account_signup"),
        {
            "email": "other.address@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "next": link,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = get_user_model().objects.get(email="other.address@example.org")
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified")) == [
        ("other.address@example.org", False)
    ]
    assert [m.to for m in mail.outbox[1:]] == [["other.address@example.org"]]
    invitee.refresh_from_db()
    assert invitee.user is None
