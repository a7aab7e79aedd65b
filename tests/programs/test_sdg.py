"""SDG targets: the reference data, the programme form's choice, the programme's page."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programs.sdg import GOALS, goals_with_targets, targets

from ..conftest import client_for
from .test_forms import programme_data


def test_there_are_17_goals_and_169_targets_each_under_its_goal():
    codes = targets()
    assert len(GOALS) == 17
    assert len(codes) == 169
    goals = goals_with_targets()
    assert [goal.number for goal in goals] == list(range(1, 18))
    assert sum(len(goal.targets) for goal in goals) == 169
    assert all(code.startswith(f"{goal.number}.") for goal in goals for code, _t in goal.targets)
    # Numbered targets before the means of implementation, numbers in numeric order.
    assert [code for code, _t in goals[15].targets][-4:] == ["16.9", "16.10", "16.a", "16.b"]


def test_chosen_targets_are_shown_under_their_goals_in_order(db):
    goals = goals_with_targets(["16.10", "4.6", "unknown", "4.a"])
    assert [(goal.number, goal.title) for goal in goals] == [
        (4, "Quality education"),
        (16, "Peace, justice and strong institutions"),
    ]
    assert [code for code, _text in goals[0].targets] == ["4.6", "4.a"]


def test_programme_form_saves_the_chosen_targets_in_order(cast, programme):
    client = client_for(cast["organiser"])
    response = client.post(
        reverse("programs:edit", args=[programme.slug]),
        programme_data(sdg_targets=["16.10", "4.6", "4.6"]),
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.sdg_targets == ["4.6", "16.10"]


def test_unknown_target_is_a_field_error_and_saves_nothing(cast, programme):
    response = client_for(cast["organiser"]).post(
        reverse("programs:edit", args=[programme.slug]),
        programme_data(sdg_targets=["4.6", "18.1"]),
    )
    assert response.status_code == 200
    assert "sdg_targets" in response.context["form"].errors
    programme.refresh_from_db()
    assert programme.sdg_targets == []


def test_form_folds_goals_without_a_chosen_target(cast, programme):
    programme.sdg_targets = ["16.10"]
    programme.save()
    page = client_for(cast["organiser"]).get(reverse("programs:edit", args=[programme.slug]))
    html = page.content.decode()
    assert html.count('<details class="sdg-goal"') == 17
    assert html.count('<details class="sdg-goal" open>') == 1
    assert 'value="16.10" id="id_sdg_targets_' in html


def test_programme_page_lists_goals_with_their_targets(cast, programme):
    programme.sdg_targets = ["4.6", "16.10"]
    programme.save()
    page = client_for(cast["staff"]).get(reverse("programs:detail", args=[programme.slug]))
    html = page.content.decode()
    assert "Goal 4: Quality education" in html
    assert "Ensure public access to information and protect fundamental freedoms" in html
    assert "Goal 1:" not in html


def test_programme_page_without_targets_says_so(cast, programme):
    page = client_for(cast["staff"]).get(reverse("programs:detail", args=[programme.slug]))
    assert "No Sustainable Development Goal targets were chosen." in page.content.decode()


@pytest.mark.parametrize("value", [["4.6", "99.1"], "4.6", [4.6]])
def test_model_refuses_anything_but_a_list_of_known_codes(programme, value):
    programme.sdg_targets = value
    with pytest.raises(ValidationError):
        programme.full_clean()
