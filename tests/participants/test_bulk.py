"""Bulk actions on the participant list: the preview, status changes and invitations."""

from urllib.parse import urlencode

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from participants.models import Invitation, Participant, StatusChange
from programs.models import Province
from tests.conftest import client_for
from tests.factories import (
    InvitationFactory,
    ParticipantFactory,
    ProgrammeFactory,
    member_country,
)

STATUS = Participant.Status


def bulk_url(programme) -> str:
    return reverse("participants:bulk", args=[programme.slug])


def preview(user, programme, **data):
    return client_for(user).get(bulk_url(programme), data)


def confirm(user, programme, **data):
    return client_for(user).post(bulk_url(programme), data)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def names(people) -> list[str]:
    return [person.display_name for person in people]


def skipped_of(response) -> dict[str, str]:
    return {
        skipped.participant.display_name: skipped.reason
        for skipped in response.context["plan"].skipped
    }


@pytest.fixture
def organiser(cast):
    return cast["organiser"]


# Status changes


@pytest.fixture
def mixed(programme):
    """One participant per status that matters for "confirmed"."""
    return {
        "invited": ParticipantFactory(programme=programme, full_name="Ana Invited"),
        "confirmed": ParticipantFactory(
            programme=programme, full_name="Budi Confirmed", status=STATUS.CONFIRMED
        ),
        "completed": ParticipantFactory(
            programme=programme, full_name="Citra Completed", status=STATUS.COMPLETED
        ),
    }


def test_status_preview_lists_who_changes_and_who_is_skipped(organiser, programme, mixed):
    ids = [person.pk for person in mixed.values()]
    response = preview(
        organiser, programme, action="status", to_status="confirmed", participant=ids
    )
    assert response.status_code == 200
    assert names(response.context["plan"].affected) == ["Ana Invited"]
    assert skipped_of(response) == {
        "Budi Confirmed": "A participant cannot go from “Confirmed” to “Confirmed”.",
        "Citra Completed": "A participant cannot go from “Completed” to “Confirmed”.",
    }
    page = response.content.decode()
    assert "1 participant will become “Confirmed”." in page
    # The confirmation carries exactly the people previewed.
    assert response.context["selected_ids"] == ",".join(str(pk) for pk in sorted(ids))
    # Nothing changed yet.
    assert [p.status for p in Participant.objects.order_by("pk")][-3:] == [
        STATUS.INVITED,
        STATUS.CONFIRMED,
        STATUS.COMPLETED,
    ]
    assert not StatusChange.objects.exists()


def test_status_change_applies_to_the_allowed_and_leaves_the_others(organiser, programme, mixed):
    ids = [person.pk for person in mixed.values()]
    response = confirm(
        organiser,
        programme,
        action="status",
        to_status="confirmed",
        note="Nominated by the ministry",
        participant=ids,
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("participants:list", args=[programme.slug])
    for person in mixed.values():
        person.refresh_from_db()
    assert [person.status for person in mixed.values()] == [
        STATUS.CONFIRMED,
        STATUS.CONFIRMED,
        STATUS.COMPLETED,
    ]
    changes = list(StatusChange.objects.values_list("participant", "from_status", "to_status"))
    assert changes == [(mixed["invited"].pk, "invited", "confirmed")]
    change = StatusChange.objects.get()
    assert (change.changed_by, change.note) == (organiser, "Nominated by the ministry")
    assert messages_of(response) == ["1 participant is now “Confirmed”; 2 skipped."]


def test_withdrawal_needs_a_reason_which_each_status_change_keeps(organiser, programme, mixed):
    ids = [mixed["invited"].pk, mixed["confirmed"].pk]
    response = confirm(
        organiser, programme, action="status", to_status="withdrawn", participant=ids
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "note": ["Give the reason: it is kept with each participant's status."]
    }
    assert not StatusChange.objects.exists()

    response = confirm(
        organiser,
        programme,
        action="status",
        to_status="withdrawn",
        note="Visa refused",
        participant=ids,
    )
    assert messages_of(response) == ["2 participants are now “Withdrawn”."]
    assert sorted(StatusChange.objects.values_list("to_status", "reason", "note")) == [
        ("withdrawn", "Visa refused", ""),
        ("withdrawn", "Visa refused", ""),
    ]


def test_bad_input_is_a_form_error_not_a_failure(organiser, programme, mixed):
    response = preview(organiser, programme, action="status", participant="seven")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["participant"] == ["Choose participants from the list."]
    assert errors["to_status"] == ["Choose the new status."]
    response = preview(organiser, programme, action="invite")
    assert response.context["form"].non_field_errors() == [
        "Select at least one participant, or all that match the filters."
    ]
    assert "Nothing was changed." in response.content.decode()


# Invitations


@pytest.fixture
def invitees(programme):
    accepted = ParticipantFactory(
        programme=programme, full_name="Dewi Accepted", status=STATUS.CONFIRMED
    )
    InvitationFactory(participant=accepted, accepted_at=timezone.now())
    invited = ParticipantFactory(programme=programme, full_name="Eko Invited")
    InvitationFactory(participant=invited)
    erased = ParticipantFactory(programme=programme, full_name="Erased participant", email="")
    Participant.objects.filter(pk=erased.pk).update(erased_at=timezone.now())
    erased.refresh_from_db()
    return {
        "new_a": ParticipantFactory(
            programme=programme, full_name="Ana New", email="ana@example.org"
        ),
        "new_b": ParticipantFactory(
            programme=programme,
            full_name="Bao New",
            email="bao@example.org",
            status=STATUS.CONFIRMED,
        ),
        "no_email": ParticipantFactory(programme=programme, full_name="Chen Noemail", email=""),
        "declined": ParticipantFactory(
            programme=programme, full_name="Dara Declined", status=STATUS.DECLINED
        ),
        "accepted": accepted,
        "invited": invited,
        "erased": erased,
    }


def test_invitation_preview_lists_the_skipped_with_their_reasons(organiser, programme, invitees):
    ids = [person.pk for person in invitees.values()]
    response = preview(organiser, programme, action="invite", participant=ids)
    assert names(response.context["plan"].affected) == ["Ana New", "Bao New"]
    assert skipped_of(response) == {
        "Chen Noemail": "Chen Noemail has no e-mail address; add one before sending an invitation.",
        "Dara Declined": "Dara Declined is “Declined”; change their status back to invited "
        "before sending a new invitation.",
        "Dewi Accepted": "Dewi Accepted has already accepted the invitation.",
        "Eko Invited": "Eko Invited was already invited; re-send the invitation instead.",
        "Erased participant": "Erased participant's personal data was erased.",
    }
    page = response.content.decode()
    assert "2 participants will get an e-mail with a new personal link" in page
    assert "Dara Declined is “Declined”" in page
    assert mail.outbox == []
    assert Invitation.objects.count() == 2


def test_bulk_invitations_send_one_email_each_after_commit(
    organiser, programme, invitees, django_capture_on_commit_callbacks
):
    ids = [person.pk for person in invitees.values()]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = confirm(organiser, programme, action="invite", participant=ids)
        # Saved, not yet sent: the e-mails wait for the commit.
        assert mail.outbox == []
    assert len(callbacks) == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ana@example.org",
        "bao@example.org",
    ]
    assert all("/invitations/" in message.body for message in mail.outbox)
    assert messages_of(response) == ["Invitations sent to 2 participants; 5 skipped."]
    sent = Invitation.objects.filter(participant__in=[invitees["new_a"], invitees["new_b"]])
    assert sorted(sent.values_list("sent_to", "send_count", "sent_by")) == [
        ("ana@example.org", 1, organiser.pk),
        ("bao@example.org", 1, organiser.pk),
    ]
    # The skipped got nothing new.
    assert Invitation.objects.count() == 4


def test_resend_replaces_the_links_of_unanswered_invitations(
    organiser, programme, invitees, django_capture_on_commit_callbacks
):
    old_hash = invitees["invited"].invitation.token_hash
    ids = [invitees["invited"].pk, invitees["accepted"].pk, invitees["new_a"].pk]
    response = preview(organiser, programme, action="resend", participant=ids)
    assert names(response.context["plan"].affected) == ["Eko Invited"]
    assert skipped_of(response) == {
        "Ana New": "Ana New has not been invited yet; send the invitation instead.",
        "Dewi Accepted": "Dewi Accepted has already accepted the invitation.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(organiser, programme, action="resend", participant=ids)
    assert [message.to for message in mail.outbox] == [[invitees["invited"].email]]
    invitation = Invitation.objects.get(participant=invitees["invited"])
    assert invitation.token_hash != old_hash
    assert invitation.send_count == 2
    assert messages_of(response) == ["Invitation sent again to 1 participant; 2 skipped."]


def test_all_matching_takes_the_filtered_list_not_only_the_ticked(
    organiser, programme, django_capture_on_commit_callbacks
):
    laos = member_country("LA")
    lao = [
        ParticipantFactory(programme=programme, full_name=f"Lao {n}", country=laos)
        for n in range(3)
    ]
    ParticipantFactory(programme=programme, full_name="Vietnamese", country=member_country("VN"))
    filters = urlencode({"country": laos.pk, "sort": "name"})
    data = {"action": "invite", "all_matching": "on", "filters": filters}
    response = preview(organiser, programme, **data, participant=[lao[0].pk])
    assert names(response.context["plan"].affected) == ["Lao 0", "Lao 1", "Lao 2"]
    assert response.context["list_url"] == (
        reverse("participants:list", args=[programme.slug]) + "?" + filters
    )
    ids = response.context["selected_ids"]
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(organiser, programme, action="invite", participant=ids, filters=filters)
    assert response["Location"].endswith("?" + filters)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(p.email for p in lao)
    assert messages_of(response) == ["Invitations sent to 3 participants."]


def test_confirmation_changes_only_the_people_previewed(organiser, programme):
    first = ParticipantFactory(programme=programme, full_name="Ana First")
    response = preview(
        organiser,
        programme,
        action="status",
        to_status="declined",
        note="No visa",
        all_matching="on",
    )
    ids = response.context["selected_ids"]
    late = ParticipantFactory(programme=programme, full_name="Zed Late")
    confirm(
        organiser,
        programme,
        action="status",
        to_status="declined",
        note="No visa",
        participant=ids,
    )
    first.refresh_from_db()
    late.refresh_from_db()
    assert (first.status, late.status) == (STATUS.DECLINED, STATUS.INVITED)


def test_all_matching_with_filters_the_list_refuses_changes_nobody(organiser, programme, mixed):
    response = preview(
        organiser, programme, action="invite", all_matching="on", filters="status=lost"
    )
    assert response.context["form"].non_field_errors() == [
        "The filters of the list are not valid any more: filter the list again."
    ]
    assert "plan" not in response.context
    response = confirm(
        organiser,
        programme,
        action="status",
        to_status="withdrawn",
        note="x",
        all_matching="on",
        filters="status=lost",
    )
    assert response.status_code == 200
    assert not StatusChange.objects.exists()


class FailingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


@pytest.mark.django_db(transaction=True)
def test_mail_server_failure_is_told_apart(cast, programme, settings):
    # A real commit, so each e-mail goes (and fails) before the summary is written.
    settings.EMAIL_BACKEND = f"{__name__}.FailingEmailBackend"
    people = [ParticipantFactory(programme=programme, full_name=f"P{n}") for n in range(2)]
    response = confirm(
        cast["organiser"], programme, action="invite", participant=[p.pk for p in people]
    )
    assert messages_of(response) == [
        "Invitations sent to 0 participants.",
        "The mail server failed for 2 participants: re-send their invitations later.",
    ]
    # The links are saved: a re-send is what the organiser is told to do.
    assert Invitation.objects.filter(participant__in=people).count() == 2


# Who may


@pytest.mark.parametrize("role", ["other_organiser", "staff", "delegate", "anonymous"])
def test_outsiders_change_nothing(cast, programme, mixed, role):
    ids = [person.pk for person in mixed.values()]
    data = {"action": "status", "to_status": "withdrawn", "note": "x", "participant": ids}
    response = confirm(cast[role], programme, **data)
    expected = {"other_organiser": 404, "staff": 403, "delegate": 404, "anonymous": 302}[role]
    assert response.status_code == expected
    assert not StatusChange.objects.exists()
    assert [person.status for person in Participant.objects.filter(pk__in=ids)] == [
        mixed["invited"].status,
        mixed["confirmed"].status,
        mixed["completed"].status,
    ]


def test_participants_of_another_programme_are_out_of_reach(organiser, programme, mixed):
    stranger = ParticipantFactory(programme=ProgrammeFactory(), full_name="Someone Else")
    confirm(
        organiser,
        programme,
        action="status",
        to_status="withdrawn",
        note="x",
        participant=[stranger.pk],
    )
    stranger.refresh_from_db()
    assert stranger.status == STATUS.INVITED
    assert not StatusChange.objects.exists()


# Query counts


def _many(programme, count: int) -> list[int]:
    bali = Province.objects.get(name="Bali")
    laos = member_country("LA")
    people = Participant.objects.bulk_create(
        ParticipantFactory.build(
            programme=programme,
            full_name=f"Person {n:04d}",
            email=f"person{n}@example.org",
            category=Participant.Category.DOMESTIC if n % 3 == 0 else "international",
            country=None if n % 3 == 0 else laos,
            province=bali if n % 3 == 0 else None,
            region="Kota Denpasar" if n % 3 == 0 else "",
            status=STATUS.CONFIRMED if n % 2 else STATUS.INVITED,
        )
        for n in range(count)
    )
    invited = people[::4]
    Invitation.objects.bulk_create(
        InvitationFactory.build(participant=person, token=f"token-{person.pk}")
        for person in invited
    )
    return [person.pk for person in people]


@pytest.mark.parametrize("size", [10, 200])
@pytest.mark.parametrize("all_matching", [False, True])
def test_preview_query_count_does_not_grow(
    organiser, programme, size, all_matching, django_assert_max_num_queries
):
    ids = _many(programme, size)
    data = {"action": "invite"}
    if all_matching:
        data.update(all_matching="on", filters="status=invited")
    else:
        data["participant"] = ids
    client = client_for(organiser)
    # Session, user, programme, membership role; the navigation's memberships and
    # participations; the selected participants with country, province and invitation; and
    # for "all matching", the filter's country when one is chosen (below, none: 7 then).
    with django_assert_max_num_queries(8):
        response = client.get(bulk_url(programme), data)
    plan = response.context["plan"]
    assert len(plan.affected) + len(plan.skipped) == (size // 2 + 2 if all_matching else size)


@pytest.mark.parametrize("size", [10, 200])
def test_list_with_selection_query_count_does_not_grow(
    organiser, programme, size, django_assert_max_num_queries
):
    _many(programme, size)
    client = client_for(organiser)
    url = reverse("participants:list", args=[programme.slug])
    # As the list's own test: session, user, programme, role, navigation (2), category counts,
    # countries, filter choices (2), count and page. The selection adds none.
    with django_assert_max_num_queries(12):
        response = client.get(url, {"status": "invited"})
    page = response.content.decode()
    # The cast's two delegates are invited too.
    assert page.count('name="participant"') == min(size // 2 + 2, 50)
    assert f"All {size // 2 + 2} participants matching the filters" in page


def test_staff_list_has_no_selection(cast, programme):
    page = client_for(cast["staff"]).get(reverse("participants:list", args=[programme.slug]))
    assert 'name="participant"' not in page.content.decode()
    assert page.context["can_manage"] is False
