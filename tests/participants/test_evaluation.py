"""The programme evaluation: questions, the delegate's answers, the summary and the export."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from openpyxl import load_workbook

from participants.evaluation import (
    evaluation_is_open,
    evaluation_summary,
    save_evaluation,
)
from participants.models import (
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
    Participant,
)

from ..conftest import client_for
from ..factories import (
    EvaluationAnswerFactory,
    EvaluationQuestionFactory,
    EvaluationResponseFactory,
    ParticipantFactory,
    ProgrammeFactory,
    member_country,
)

Kind = EvaluationQuestion.Kind


def question(programme, text: str, kind=Kind.RATING, **fields) -> EvaluationQuestion:
    return EvaluationQuestionFactory(programme=programme, text_en=text, kind=kind, **fields)


@pytest.fixture
def questions(programme):
    return {
        "overall": question(programme, "Overall, how useful was the programme?", position=1),
        "best": question(
            programme,
            "Which visit taught you most?",
            Kind.CHOICE,
            choices="Bogor\nRawa Binong\nCikini",
            text_local="Kunjungan mana yang paling bermanfaat?",
            position=2,
        ),
        "comment": question(programme, "Anything else?", Kind.TEXT, required=False, position=3),
    }


def delegate_of(cast, name="delegate", status=Participant.Status.ARRIVED) -> Participant:
    participant = Participant.objects.get(user=cast[name])
    participant.status = status
    participant.save()
    return participant


def field(q: EvaluationQuestion) -> str:
    return f"question_{q.pk}"


def answers(questions, overall="4", best="Bogor", comment="") -> dict:
    return {
        field(questions["overall"]): overall,
        field(questions["best"]): best,
        field(questions["comment"]): comment,
    }


# Who may answer, and when


@pytest.mark.parametrize(
    ("status", "hours_into_last_day", "is_open"),
    [
        (Participant.Status.ARRIVED, -100, True),
        (Participant.Status.COMPLETED, -100, True),
        (Participant.Status.CONFIRMED, -1, False),
        (Participant.Status.CONFIRMED, 1, True),
        (Participant.Status.INVITED, 1, False),
        (Participant.Status.WITHDRAWN, 1, False),
        (Participant.Status.DECLINED, 1, False),
    ],
)
def test_evaluation_opens_on_arrival_or_on_the_last_day(
    programme, status, hours_into_last_day, is_open
):
    participant = ParticipantFactory(programme=programme, status=status)
    # The last day begins at midnight in the programme's time zone (Jakarta, UTC+7).
    midnight = programme.local_datetime(programme.end_date, 0)
    now = midnight + timedelta(hours=hours_into_last_day)
    assert evaluation_is_open(participant, now=now) == is_open


# The delegate's form


def test_evaluation_page_asks_the_questions(cast, programme, questions):
    delegate_of(cast)
    response = client_for(cast["delegate"]).get(reverse("participants:evaluation"))
    page = response.content.decode()
    assert "Overall, how useful was the programme?" in page
    assert 'value="Rawa Binong"' in page


def test_evaluation_is_shown_in_indonesian_when_the_page_is(cast, programme, questions):
    delegate_of(cast)
    client = client_for(cast["delegate"])
    client.cookies["django_language"] = "id"
    page = client.get(reverse("participants:evaluation")).content.decode()
    assert "Kunjungan mana yang paling bermanfaat?" in page
    # Without an Indonesian text the English one is asked.
    assert "Anything else?" in page


def test_evaluation_not_open_yet_says_when_it_opens(cast):
    # A programme that has not reached its last day, for a confirmed delegate.
    start = timezone.localdate() + timedelta(days=30)
    upcoming = ProgrammeFactory(start_date=start)
    ParticipantFactory(programme=upcoming, user=cast["delegate"], status="confirmed")
    questions = {"overall": question(upcoming, "Overall?")}
    client = client_for(cast["delegate"])
    page = client.get(reverse("participants:evaluation")).content.decode()
    last_day = date_format(upcoming.end_date, "l j F Y")
    assert f"The evaluation opens on {last_day}" in page
    assert 'class="evaluation-form"' not in page
    response = client.post(reverse("participants:evaluation"), {field(questions["overall"]): "5"})
    assert response.status_code == 403
    assert not EvaluationResponse.objects.exists()


def test_evaluation_is_only_for_participants_who_take_part(cast, programme, questions):
    delegate_of(cast, status=Participant.Status.WITHDRAWN)
    page = client_for(cast["delegate"]).get(reverse("participants:evaluation")).content.decode()
    assert "The evaluation is for the participants who take part in the programme." in page


def test_evaluation_without_questions_says_so(cast, programme):
    delegate_of(cast)
    page = client_for(cast["delegate"]).get(reverse("participants:evaluation")).content.decode()
    assert "The organisers have not prepared the evaluation yet." in page


def test_evaluation_answers_are_saved(cast, programme, questions):
    participant = delegate_of(cast)
    response = client_for(cast["delegate"]).post(
        reverse("participants:evaluation"), answers(questions, comment="More time in Bogor")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("participants:evaluation")
    saved = sorted(
        EvaluationAnswer.objects.filter(response__participant=participant).values_list(
            "question__text_en", "rating", "text"
        )
    )
    assert saved == [
        ("Anything else?", None, "More time in Bogor"),
        ("Overall, how useful was the programme?", 4, ""),
        ("Which visit taught you most?", None, "Bogor"),
    ]


def test_evaluation_resubmission_updates_the_answers(cast, programme, questions):
    participant = delegate_of(cast)
    client = client_for(cast["delegate"])
    client.post(reverse("participants:evaluation"), answers(questions, comment="First"))
    page = client.get(reverse("participants:evaluation")).content.decode()
    assert "You answered on" in page
    overall = field(questions["overall"])
    assert f'value="4" class="rating" id="id_{overall}_3" required checked>' in page
    client.post(reverse("participants:evaluation"), answers(questions, overall="2", comment=""))

    assert EvaluationResponse.objects.filter(participant=participant).count() == 1
    saved = dict(
        EvaluationAnswer.objects.filter(response__participant=participant).values_list(
            "question__text_en", "rating"
        )
    )
    # The optional comment left empty the second time is no longer stored.
    assert saved == {
        "Overall, how useful was the programme?": 2,
        "Which visit taught you most?": None,
    }


@pytest.mark.parametrize(
    ("overrides", "error_count"),
    [
        ({"overall": ""}, 1),
        ({"overall": "6"}, 1),
        ({"overall": "0"}, 1),
        ({"best": "Somewhere else"}, 1),
        ({"overall": "", "best": ""}, 2),
    ],
)
def test_evaluation_refuses_missing_or_invalid_answers(
    cast, programme, questions, overrides, error_count
):
    delegate_of(cast)
    response = client_for(cast["delegate"]).post(
        reverse("participants:evaluation"), answers(questions, **overrides)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<ul class="errorlist"') == error_count
    assert not EvaluationResponse.objects.exists()


def test_evaluation_of_another_programme_is_404(cast, programme, questions):
    other = ProgrammeFactory()
    question(other, "Secret question")
    ParticipantFactory(programme=other, user=cast["delegate_b"], status="arrived")
    response = client_for(cast["delegate"]).get(
        reverse("participants:evaluation"), {"programme": other.slug}
    )
    assert response.status_code == 404
    assert "Secret question" not in response.content.decode()


def test_save_evaluation_ignores_questions_of_other_programmes(programme, questions):
    participant = ParticipantFactory(programme=programme, status="arrived")
    foreign = question(ProgrammeFactory(), "Foreign")
    save_evaluation(participant=participant, answers={foreign.pk: 5, questions["overall"].pk: 3})
    assert list(EvaluationAnswer.objects.values_list("question_id", "rating")) == [
        (questions["overall"].pk, 3)
    ]


# Results


def respond(programme, questions, overall: int | None, best: str = "", comment: str = ""):
    participant = ParticipantFactory(programme=programme, status="completed")
    save_evaluation(
        participant=participant,
        answers={
            questions["overall"].pk: overall,
            questions["best"].pk: best,
            questions["comment"].pk: comment,
        },
    )
    return participant


def test_evaluation_summary_counts_averages_and_distributions(cast, programme, questions):
    for overall, best in [(5, "Bogor"), (4, "Bogor"), (4, "Cikini"), (1, "Bogor")]:
        respond(programme, questions, overall, best)
    respond(programme, questions, None, "", "Great hosts")
    summary = evaluation_summary(programme)

    assert summary.responses == 5
    # Accounts with a confirmed, arrived or completed status: the cast's two delegates are
    # invited; the five respondents have no account.
    assert summary.eligible == 0
    overall, best, comment = summary.questions
    assert overall.answered == 4
    assert overall.average == 3.5
    assert [(b.label, b.count, b.percent) for b in overall.bars] == [
        ("1", 1, 25),
        ("2", 0, 0),
        ("3", 0, 0),
        ("4", 2, 50),
        ("5", 1, 25),
    ]
    assert [(b.label, b.count, b.percent) for b in best.bars] == [
        ("Bogor", 3, 75),
        ("Rawa Binong", 0, 0),
        ("Cikini", 1, 25),
    ]
    assert comment.texts == ["Great hosts"]


def test_evaluation_summary_rate_counts_eligible_delegates(cast, programme, questions):
    delegate_of(cast, status=Participant.Status.ARRIVED)
    delegate_of(cast, "delegate_b", status=Participant.Status.CONFIRMED)
    save_evaluation(
        participant=Participant.objects.get(user=cast["delegate"]),
        answers={questions["overall"].pk: 5},
    )
    summary = evaluation_summary(programme)
    assert (summary.responses, summary.eligible, summary.response_rate) == (1, 2, 50)


@pytest.mark.parametrize("role", ["staff", "organiser", "admin"])
def test_evaluation_results_summarise_the_answers(cast, programme, questions, role):
    respond(programme, questions, 5, "Bogor", "Lovely")
    response = client_for(cast[role]).get(
        reverse("participants:evaluation_results", args=[programme.slug])
    )
    page = response.content.decode()
    assert "average 5.00 out of 5" in page
    assert "Lovely" in page
    # One response, in the singular.
    assert re.search(r'"stat-number">1</span> response from \d+ participants? with an', page)


def test_evaluation_results_show_no_names(cast, programme, questions):
    participant = respond(programme, questions, 3, "Cikini", "Needs more breaks")
    page = client_for(cast["organiser"]).get(
        reverse("participants:evaluation_results", args=[programme.slug])
    )
    text = page.content.decode()
    assert "Needs more breaks" in text
    assert participant.full_name not in text
    assert participant.email not in text


@pytest.mark.parametrize("size", [10, 500])
def test_evaluation_results_queries_do_not_grow(
    cast, programme, questions, size, django_assert_max_num_queries
):
    people = Participant.objects.bulk_create(
        ParticipantFactory.build(programme=programme, email=f"r{n}@example.org", badge_code=f"b{n}")
        for n in range(size)
    )
    responses = EvaluationResponse.objects.bulk_create(
        EvaluationResponseFactory.build(participant=person) for person in people
    )
    EvaluationAnswer.objects.bulk_create(
        answer
        for n, response in enumerate(responses)
        for answer in (
            EvaluationAnswerFactory.build(
                response=response, question=questions["overall"], rating=n % 5 + 1
            ),
            EvaluationAnswerFactory.build(
                response=response, question=questions["best"], text="Bogor"
            ),
            EvaluationAnswerFactory.build(
                response=response, question=questions["comment"], text=f"Note {n}"
            ),
        )
    )
    client = client_for(cast["staff"])
    # Queries: session, user, programme, membership (role), memberships and participations
    # (navigation); the questions, the responses, the eligible participants, the counted
    # ratings and choices, the free-text answers.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("participants:evaluation_results", args=[programme.slug]))
    assert response.content.decode().count("Note ") == size


# Questions


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_evaluation_questions_listed_and_added(cast, programme, questions, role):
    url = reverse("participants:evaluation_questions", args=[programme.slug])
    client = client_for(cast[role])
    assert "Overall, how useful was the programme?" in client.get(url).content.decode()
    client.post(url, {"text_en": "New?", "kind": "rating", "required": "on"})
    assert programme.evaluation_questions.filter(text_en="New?").exists()


def test_question_added_at_the_end(cast, programme, questions):
    url = reverse("participants:evaluation_questions", args=[programme.slug])
    response = client_for(cast["organiser"]).post(
        url, {"text_en": "Would you recommend it?", "kind": "choice", "choices": "Yes\n\n No \n"}
    )
    assert response.status_code == 302
    added = programme.evaluation_questions.get(text_en="Would you recommend it?")
    assert (added.position, added.choices, added.required) == (4, "Yes\nNo", False)


@pytest.mark.parametrize(
    ("choices", "message"),
    [("Only one", "Give at least two options"), ("Yes\nYes", "Each option may appear only once")],
)
def test_choice_question_needs_two_distinct_options(cast, programme, choices, message):
    url = reverse("participants:evaluation_questions", args=[programme.slug])
    response = client_for(cast["organiser"]).post(
        url, {"text_en": "Pick", "kind": "choice", "choices": choices}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not programme.evaluation_questions.exists()


def test_question_needs_english_text(cast, programme):
    url = reverse("participants:evaluation_questions", args=[programme.slug])
    response = client_for(cast["organiser"]).post(url, {"text_local": "Hanya", "kind": "rating"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_question_edit(cast, programme, questions):
    url = reverse("participants:evaluation_questions", args=[programme.slug])
    client = client_for(cast["organiser"])
    best = questions["best"]
    page = client.get(url, {"edit": best.pk}).content.decode()
    assert 'value="Which visit taught you most?"' in page
    response = client.post(
        url,
        {
            "question": best.pk,
            "text_en": "Which visit?",
            "text_local": "Kunjungan mana?",
            "kind": "text",
            "choices": "Bogor\nCikini",
            "position": "",
        },
    )
    assert response.status_code == 302
    best.refresh_from_db()
    # Options only belong to choice questions; an empty position keeps the question's place.
    assert (best.text_en, best.text_local, best.kind, best.choices, best.position) == (
        "Which visit?",
        "Kunjungan mana?",
        "text",
        "",
        2,
    )


def test_questions_reorder(cast, programme, questions):
    url = reverse("participants:evaluation_questions", args=[programme.slug])
    client = client_for(cast["organiser"])
    client.post(url, {"question": questions["comment"].pk, "move": "up"})
    order = list(programme.evaluation_questions.values_list("text_en", flat=True))
    assert order == [
        "Overall, how useful was the programme?",
        "Anything else?",
        "Which visit taught you most?",
    ]
    # Moving the first one up changes nothing.
    client.post(url, {"question": questions["overall"].pk, "move": "up"})
    assert list(programme.evaluation_questions.values_list("text_en", flat=True)) == order


def test_question_of_another_programme_is_404(cast, programme):
    foreign = question(ProgrammeFactory(), "Foreign")
    client = client_for(cast["organiser"])
    url = reverse("participants:evaluation_questions", args=[programme.slug])
    assert client.get(url, {"edit": foreign.pk}).status_code == 404
    assert client.get(url, {"edit": "abc"}).status_code == 404
    assert client.post(url, {"question": foreign.pk, "move": "up"}).status_code == 404
    delete = reverse("participants:evaluation_question_delete", args=[programme.slug, foreign.pk])
    assert client.post(delete).status_code == 404
    assert EvaluationQuestion.objects.filter(pk=foreign.pk).exists()


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_question_delete_deletes_it(cast, programme, questions, role):
    target = questions["comment"]
    url = reverse("participants:evaluation_question_delete", args=[programme.slug, target.pk])
    response = client_for(cast[role]).post(url, {"confirmed": "1"})
    assert response["Location"] == reverse(
        "participants:evaluation_questions", args=[programme.slug]
    )
    assert not EvaluationQuestion.objects.filter(pk=target.pk).exists()


# Export


def exported_rows(response) -> list[list[str]]:
    if response["Content-Type"].startswith("text/csv"):
        text = response.content.decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [["" if cell is None else str(cell) for cell in row] for row in sheet.values]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_evaluation_export_has_one_row_per_response_and_no_names(
    cast, programme, questions, file_format
):
    somchai = respond(programme, questions, 4, "Bogor", '=HYPERLINK("http://evil")')
    somchai.country = member_country("TH")
    somchai.save()
    respond(programme, questions, 2, "Cikini", "+1 more day\n-- and @everyone")
    response = client_for(cast["organiser"]).get(
        reverse("participants:evaluation_export", args=[programme.slug, file_format])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{programme.slug}-evaluation.{file_format}"'
    )
    rows = exported_rows(response)
    assert rows[0] == [
        "Response",
        "Submitted",
        "Country",
        "Category",
        "Overall, how useful was the programme?",
        "Which visit taught you most?",
        "Anything else?",
    ]
    first, second = rows[1], rows[2]
    # CSV prefixes what looks like a formula; XLSX stores it as a text cell, as written.
    guard = "'" if file_format == "csv" else ""
    assert first[0] == "1"
    assert first[2:] == [
        "Thailand",
        "International delegate",
        "4",
        "Bogor",
        guard + '=HYPERLINK("http://evil")',
    ]
    assert second[2:] == [
        "Vietnam",
        "International delegate",
        "2",
        "Cikini",
        guard + "+1 more day\n-- and @everyone",
    ]
    content = response.content
    assert somchai.full_name.encode() not in content
    assert somchai.email.encode() not in content


def test_evaluation_export_of_an_unknown_format_is_404(cast, programme):
    url = reverse("participants:evaluation_export", args=[programme.slug, "pdf"])
    response = client_for(cast["organiser"]).get(url)
    assert response.status_code == 404
    assert not response.has_header("Content-Disposition")
