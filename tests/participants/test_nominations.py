"""The call for nominations: the focal point's nominations within the quota and deadline, their
documents, the candidate's profile link, and the call closing and being extended."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from participants.models import Nomination, NominationAnswer, NominationCall
from participants.nomination_documents import DOCX, ODT, PDF, document_kind
from participants.nominations import (
    close_due_calls,
    extend_call,
    nominate,
    nomination_quota,
    withdraw_nomination,
)
from participants.profile_links import find_nomination_for_token
from programs.uploads import MB

from ..conftest import client_for
from ..factories import (
    DelegationFactory,
    FocalPointFactory,
    MembershipFactory,
    NominationCallFactory,
    NominationFactory,
    NominationQuestionFactory,
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def call(programme):
    return NominationCallFactory(programme=programme, requires_cv=False)


@pytest.fixture
def delegation(programme):
    """A delegation of one seat and one reserve: two candidates at most."""
    return DelegationFactory(programme=programme, seats=1, reserves=1)


@pytest.fixture
def focal_point(delegation):
    return FocalPointFactory(delegation=delegation, user__email="fp@example.org").user


def pdf(name: str = "letter.pdf", size: int = 0) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.7\n" + b"0" * size, content_type="application/pdf")


def docx() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return SimpleUploadedFile("cv.docx", buffer.getvalue())


def odt() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office/>")
    return SimpleUploadedFile("cv.odt", buffer.getvalue())


def candidate(n: int = 1, **fields) -> dict:
    return {
        "full_name": f"Candidate {n}",
        "email": f"candidate{n}@example.org",
        "gender": "female",
        "institution": "National Library",
        "nomination_letter": pdf(),
        **fields,
    }


def create_url(programme, delegation) -> str:
    return reverse("participants:nomination_create", args=[programme.slug, delegation.pk])


# Nominating within the quota and the deadline


def test_focal_point_nominates_up_to_seats_and_reserves_then_is_refused(
    programme, call, delegation, focal_point
):
    client = client_for(focal_point)
    url = create_url(programme, delegation)
    for n in (1, 2):
        response = client.post(url, candidate(n))
        assert response.status_code == 302
    assert [n.full_name for n in Nomination.objects.order_by("pk")] == [
        "Candidate 1",
        "Candidate 2",
    ]
    assert Nomination.objects.get(full_name="Candidate 1").nominated_by == focal_point

    response = client.post(url, candidate(3))

    assert response.status_code == 409
    assert Nomination.objects.count() == 2
    message = (
        f"{delegation.origin} has nominated 2 candidates, its whole quota of 1 seat and 1 "
        "in reserve. Withdraw a nomination to nominate someone else."
    )
    assert message in response.content.decode()


def test_the_service_refuses_past_the_quota_under_the_lock(call, delegation, focal_point):
    for n in (1, 2):
        nominate(
            call=call,
            delegation=delegation,
            nomination=Nomination(full_name=f"C{n}", email=f"c{n}@example.org"),
            by=focal_point,
        )
    with pytest.raises(ValidationError) as refused:
        nominate(
            call=call,
            delegation=delegation,
            nomination=Nomination(full_name="C3", email="c3@example.org"),
            by=focal_point,
        )
    assert "its whole quota of 1 seat and 1 in reserve" in refused.value.messages[0]
    assert nomination_quota(delegation, call=call).remaining == 0


def test_withdrawn_nominations_free_their_place(call, delegation, focal_point):
    first = NominationFactory(call=call, delegation=delegation)
    NominationFactory(call=call, delegation=delegation)
    withdraw_nomination(nomination=first)
    quota = nomination_quota(delegation, call=call)
    assert (quota.nominated, quota.remaining) == (1, 1)


def test_nominating_after_the_deadline_is_refused(programme, call, delegation, focal_point):
    NominationCall.objects.filter(pk=call.pk).update(deadline=timezone.now() - timedelta(hours=1))

    response = client_for(focal_point).post(create_url(programme, delegation), candidate())

    assert response.status_code == 409
    assert Nomination.objects.count() == 0
    assert "The call for nominations closed on" in response.content.decode()
    assert "can no longer be added, changed or withdrawn" in response.content.decode()


def test_nominating_for_another_delegation_is_404(programme, call, focal_point):
    other = DelegationFactory(programme=programme)
    client = client_for(focal_point)
    assert client.get(create_url(programme, other)).status_code == 404
    assert client.post(create_url(programme, other), candidate()).status_code == 404
    assert Nomination.objects.count() == 0


@pytest.mark.parametrize("view", ["nomination_detail", "nomination_edit"])
def test_another_delegations_nomination_is_404_to_a_focal_point(programme, call, focal_point, view):
    theirs = NominationFactory(call=call, delegation=DelegationFactory(programme=programme))
    url = reverse(f"participants:{view}", args=[programme.slug, theirs.pk])
    assert client_for(focal_point).get(url).status_code == 404


def test_nomination_form_shows_field_errors(programme, call, delegation, focal_point):
    response = client_for(focal_point).post(create_url(programme, delegation), {})
    form = response.context["form"]
    assert response.status_code == 200
    assert form.errors["full_name"] == ["This field is required."]
    assert form.errors["email"] == ["This field is required."]
    assert form.errors["nomination_letter"] == ["This field is required."]
    assert Nomination.objects.count() == 0


def test_the_same_person_cannot_be_nominated_twice(programme, call, delegation, focal_point):
    NominationFactory(call=call, delegation=delegation, email="twice@example.org")
    response = client_for(focal_point).post(
        create_url(programme, delegation), candidate(email="Twice@example.org")
    )
    assert response.context["form"].errors["email"] == ["This person has already been nominated."]


def test_a_domestic_delegations_candidate_is_domestic(programme, call, focal_point):
    from programs.models import Province

    domestic = DelegationFactory(
        programme=programme, country=None, province=Province.objects.get(code="11")
    )
    nomination = nominate(
        call=call,
        delegation=domestic,
        nomination=Nomination(full_name="Local", email="local@example.org"),
        by=focal_point,
    )
    assert nomination.category == Nomination.Category.DOMESTIC


# Documents


@pytest.mark.parametrize(
    ("upload", "kind"), [(pdf, PDF), (docx, DOCX), (odt, ODT)], ids=["pdf", "docx", "odt"]
)
def test_documents_are_recognised_by_their_content(upload, kind):
    assert document_kind(upload()) == kind


def test_a_document_that_is_not_one_is_refused_whatever_its_name(
    programme, call, delegation, focal_point
):
    fake = SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client_for(focal_point).post(
        create_url(programme, delegation), candidate(nomination_letter=fake)
    )
    assert response.context["form"].errors["nomination_letter"] == [
        "Upload a PDF, Word (DOCX) or OpenDocument (ODT) document."
    ]
    assert Nomination.objects.count() == 0


def test_a_document_over_the_limit_is_refused(programme, call, delegation, focal_point):
    response = client_for(focal_point).post(
        create_url(programme, delegation), candidate(nomination_letter=pdf(size=10 * MB))
    )
    assert response.context["form"].errors["nomination_letter"] == [
        "The file is 10.0\xa0MB, over the 10 MB limit for nomination documents."
    ]


def test_documents_are_served_to_organisers_and_the_focal_point_only(
    programme, call, delegation, focal_point
):
    client_for(focal_point).post(create_url(programme, delegation), candidate(cv=docx()))
    nomination = Nomination.objects.get()
    assert nomination.cv.name.endswith(".docx")
    assert nomination.nomination_letter.name.endswith(".pdf")
    url = reverse(
        "participants:nomination_document",
        args=[programme.slug, nomination.pk, "nomination-letter"],
    )
    organiser = MembershipFactory(programme=programme, role="organiser").user
    staff = MembershipFactory(programme=programme, role="staff").user
    other_focal_point = FocalPointFactory(delegation__programme=programme).user

    response = client_for(organiser).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.7")
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert client_for(focal_point).get(url).status_code == 200
    assert client_for(staff).get(url).status_code == 404
    assert client_for(other_focal_point).get(url).status_code == 404


# Editing and withdrawing


def test_focal_point_edits_a_nomination_and_its_answers(programme, call, delegation, focal_point):
    question = NominationQuestionFactory(call=call, text_en="Why?", kind="text")
    nomination = NominationFactory(call=call, delegation=delegation, nomination_letter="x.pdf")
    url = reverse("participants:nomination_edit", args=[programme.slug, nomination.pk])
    response = client_for(focal_point).post(
        url,
        {
            "full_name": "New Name",
            "email": nomination.email,
            "gender": "male",
            f"question_{question.pk}": "Because.",
        },
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert (nomination.full_name, nomination.gender) == ("New Name", "male")
    assert NominationAnswer.objects.get(nomination=nomination, question=question).text == "Because."


def test_focal_point_withdraws_a_nomination_after_confirming(
    programme, call, delegation, focal_point
):
    nomination = NominationFactory(call=call, delegation=delegation)
    url = reverse("participants:nomination_withdraw", args=[programme.slug, nomination.pk])
    client = client_for(focal_point)

    asked = client.post(url)
    nomination.refresh_from_db()
    assert asked.status_code == 200
    assert nomination.status == Nomination.Status.NOMINATED

    client.post(url, {"confirmed": "1"})
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.WITHDRAWN


def test_withdrawing_after_the_deadline_is_refused(programme, call, delegation, focal_point):
    nomination = NominationFactory(call=call, delegation=delegation)
    NominationCall.objects.filter(pk=call.pk).update(deadline=timezone.now() - timedelta(days=1))
    url = reverse("participants:nomination_withdraw", args=[programme.slug, nomination.pk])
    response = client_for(focal_point).post(url, {"confirmed": "1"}, follow=True)
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.NOMINATED
    assert "The call for nominations closed on" in response.content.decode()


def test_editing_after_the_deadline_is_refused(programme, call, delegation, focal_point):
    nomination = NominationFactory(call=call, delegation=delegation, full_name="Kept")
    NominationCall.objects.filter(pk=call.pk).update(closed_at=timezone.now())
    url = reverse("participants:nomination_edit", args=[programme.slug, nomination.pk])
    response = client_for(focal_point).post(url, {"full_name": "Changed", "email": "x@example.org"})
    nomination.refresh_from_db()
    assert response.status_code == 409
    assert nomination.full_name == "Kept"


# The candidate's profile link


def test_candidate_completes_their_profile_through_the_emailed_link(
    programme, call, delegation, focal_point, django_capture_on_commit_callbacks
):
    call.requires_cv = True
    call.save()
    question = NominationQuestionFactory(call=call, text_en="Your project?", kind="text")
    nomination = NominationFactory(call=call, delegation=delegation, email="cand@example.org")
    url = reverse("participants:nomination_profile_link", args=[programme.slug, nomination.pk])

    with django_capture_on_commit_callbacks(execute=True):
        client_for(focal_point).post(url)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["cand@example.org"]
    assert message.subject.startswith(
        f"Your nomination for {programme.short_name}: please complete your profile"
    )
    link = next(line for line in message.body.splitlines() if "/nominations/profile/" in line)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert find_nomination_for_token(token) == nomination

    anonymous = client_for(None)
    empty = anonymous.post(link)
    assert empty.context["form"].errors["cv"] == ["This field is required."]
    assert empty.context["form"].errors[f"question_{question.pk}"] == ["This field is required."]
    response = anonymous.post(
        link,
        {
            "full_name": "Dewi Lestari",
            "gender": "female",
            "position": "Librarian",
            "institution": "Perpustakaan",
            "institution_type": "public_library",
            "motivation": "To learn.",
            "cv": pdf("cv.pdf"),
            f"question_{question.pk}": "A reading corner.",
        },
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.full_name == "Dewi Lestari"
    assert nomination.profile_completed_at is not None
    assert nomination.cv.name.endswith(".pdf")
    assert nomination.answers.get().text == "A reading corner."


def test_an_unknown_profile_token_is_404(db):
    response = client_for(None).get(reverse("participants:nomination_profile", args=["nope"]))
    assert response.status_code == 404


def test_a_new_profile_link_replaces_the_old_one(
    programme, call, delegation, focal_point, django_capture_on_commit_callbacks
):
    nomination = NominationFactory(call=call, delegation=delegation)
    url = reverse("participants:nomination_profile_link", args=[programme.slug, nomination.pk])
    client = client_for(focal_point)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
        client.post(url)
    first, second = (m.body for m in mail.outbox)
    tokens = [
        next(line for line in body.splitlines() if "/nominations/profile/" in line)
        .rstrip("/")
        .rsplit("/", 1)[-1]
        for body in (first, second)
    ]
    assert find_nomination_for_token(tokens[0]) is None
    assert find_nomination_for_token(tokens[1]) == nomination


# Closing and extending the call


def test_due_calls_close_by_themselves_once(programme):
    past = timezone.now() - timedelta(minutes=5)
    due = NominationCallFactory(deadline=past)
    open_call = NominationCallFactory()

    assert close_due_calls(now=timezone.now()) == 1
    assert close_due_calls(now=timezone.now()) == 0
    due.refresh_from_db()
    open_call.refresh_from_db()
    assert due.closed_at == past
    assert open_call.closed_at is None


def test_the_beat_task_closes_due_calls(programme):
    from participants.tasks import close_due_calls_task

    call = NominationCallFactory(deadline=timezone.now() - timedelta(minutes=1))
    close_due_calls_task.delay()
    call.refresh_from_db()
    assert call.closed_at == call.deadline


def test_extending_reopens_a_closed_call(call):
    NominationCall.objects.filter(pk=call.pk).update(closed_at=timezone.now())
    call.refresh_from_db()
    later = timezone.now() + timedelta(days=3)
    extend_call(call=call, deadline=later)
    call.refresh_from_db()
    assert call.closed_at is None
    assert call.deadline == later
    assert call.is_open()
    with pytest.raises(ValidationError):
        extend_call(call=call, deadline=timezone.now() - timedelta(days=1))


def test_organiser_extends_the_call_in_the_programmes_time(programme, call):
    NominationCall.objects.filter(pk=call.pk).update(closed_at=timezone.now())
    organiser = MembershipFactory(programme=programme, role="organiser").user
    url = reverse("participants:call_extend", args=[programme.slug])
    day = (timezone.now() + timedelta(days=10)).date()

    response = client_for(organiser).post(url, {"deadline": f"{day}T17:00"})

    assert response.status_code == 302
    call.refresh_from_db()
    assert call.closed_at is None
    assert programme.to_local(call.deadline).strftime("%Y-%m-%d %H:%M") == f"{day} 17:00"


def test_extending_to_the_past_is_a_field_error(programme, call):
    organiser = MembershipFactory(programme=programme, role="organiser").user
    url = reverse("participants:call_extend", args=[programme.slug])
    response = client_for(organiser).post(url, {"deadline": "2001-01-01T10:00"})
    assert response.context["form"].errors["deadline"] == [
        "The new deadline must be in the future."
    ]


def test_organiser_closes_the_call(programme, call):
    organiser = MembershipFactory(programme=programme, role="organiser").user
    url = reverse("participants:call_close", args=[programme.slug])
    client_for(organiser).post(url, {"confirmed": "1"})
    call.refresh_from_db()
    assert call.closed_at is not None
    assert not call.is_open()


def test_organiser_opens_the_call(programme):
    organiser = MembershipFactory(programme=programme, role="organiser").user
    client = client_for(organiser)
    # No call yet: the call page leads to the form.
    page = client.get(reverse("participants:nominations", args=[programme.slug]))
    assert page.url == reverse("participants:call_edit", args=[programme.slug])
    day = (timezone.now() + timedelta(days=20)).date()

    response = client.post(
        reverse("participants:call_edit", args=[programme.slug]),
        {
            "deadline": f"{day}T23:59",
            "eligibility_en": "Librarians.",
            "requires_cv": "on",
        },
    )

    assert response.status_code == 302
    call = NominationCall.objects.get(programme=programme)
    assert call.created_by == organiser
    assert (call.requires_cv, call.requires_nomination_letter) == (True, False)
    assert programme.to_local(call.deadline).strftime("%Y-%m-%d %H:%M") == f"{day} 23:59"


def test_call_form_refuses_a_past_deadline(programme):
    organiser = MembershipFactory(programme=programme, role="organiser").user
    response = client_for(organiser).post(
        reverse("participants:call_edit", args=[programme.slug]), {"deadline": "2001-01-01T10:00"}
    )
    assert response.context["form"].errors["deadline"] == ["The deadline must be in the future."]
    assert not NominationCall.objects.exists()


def test_organiser_adds_a_question_for_candidates(programme, call):
    organiser = MembershipFactory(programme=programme, role="organiser").user
    url = reverse("participants:call_questions", args=[programme.slug])
    client_for(organiser).post(url, {"text_en": "Your project?", "kind": "text", "required": "on"})
    assert [q.text_en for q in call.questions.all()] == ["Your project?"]
    response = client_for(organiser).post(
        url, {"text_en": "Pick", "kind": "choice", "choices": "A"}
    )
    assert response.context["form"].errors["choices"] == [
        "Give at least two options, one per line."
    ]


# The lists


def test_focal_point_sees_only_their_delegations_nominations(
    programme, call, delegation, focal_point
):
    NominationFactory(call=call, delegation=delegation, full_name="Ours")
    NominationFactory(
        call=call, delegation=DelegationFactory(programme=programme), full_name="Theirs"
    )
    response = client_for(focal_point).get(
        reverse("participants:nominations", args=[programme.slug])
    )
    page = response.content.decode()
    assert "Ours" in page
    assert "Theirs" not in page
    assert "1 of 2 nominated (1 seat and 1 in reserve)." in page


@pytest.mark.parametrize("size", [10, 500])
def test_focal_points_list_queries_do_not_grow(
    programme, call, focal_point, size, django_assert_max_num_queries
):
    delegation = focal_point.focal_points.get().delegation
    delegation.seats = size
    delegation.save()
    NominationFactory.create_batch(size, call=call, delegation=delegation)
    client = client_for(focal_point)
    url = reverse("participants:nominations", args=[programme.slug])
    # Session and user, the programme with its call, the programme role, the focal points,
    # the call's questions, the nominations, the delegations with their counts, and the
    # navigation's memberships and participations.
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.content.decode().count("/nominations/") >= size
