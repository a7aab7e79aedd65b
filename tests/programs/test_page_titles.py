"""Page titles: no empty part between the separators."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from programs.templatetags.page_titles import tidy_title
from tests.conftest import client_for


@pytest.mark.parametrize(
    ("title", "tidy"),
    [
        ("Home ·  · TPBIS programmes", "Home · TPBIS programmes"),
        (" · TPBIS programmes", "TPBIS programmes"),
        ("Dashboard ·  · TPBIS", "Dashboard · TPBIS"),
        ("Edit · TPBIS 2023 · TPBIS programmes", "Edit · TPBIS 2023 · TPBIS programmes"),
    ],
)
def test_tidy_title_leaves_out_empty_parts(title, tidy):
    assert tidy_title(title) == tidy


def test_the_home_page_title_has_no_empty_part(cast):
    content = client_for(cast["organiser"]).get(reverse("home")).content.decode()
    assert "<title>Home · TPBIS programmes</title>" in content


def test_a_title_is_escaped_once():
    rendered = Template(
        "{% load page_titles %}{% filter tidy_title %}{{ name }} ·  · Site{% endfilter %}"
    ).render(Context({"name": "Q&A"}))
    assert rendered == "Q&amp;A · Site"
