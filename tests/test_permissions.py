"""Every URL of the project, for every role of the fixed cast (rows in permission_table.py)."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core import mail
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from programs.permissions import PROGRAMME_OFFICE_GROUP

from .conftest import client_for
from .permission_table import (
    ALLOWED,
    EXCLUDED_MODULES,
    EXCLUDED_NAMESPACES,
    LOGIN,
    PERMISSIONS,
    PROGRAMME_OFFICE,
    ROLES,
    build_world,
)

OUR_APPS = ("programs", "participants", "visits", "reports")


def url_names(patterns=None, namespace: str = "") -> list[str]:
    """Every URL name of the resolver, with its namespaces, except the excluded ones.

    A pattern of ours without a name is listed by its route, so that it cannot be missed.
    """
    names = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            if inner in EXCLUDED_NAMESPACES:
                continue
            prefix = f"{namespace}{inner}:" if inner else namespace
            names += url_names(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern):
            if pattern.lookup_str.startswith(EXCLUDED_MODULES):
                continue
            names.append(f"{namespace}{pattern.name}" if pattern.name else str(pattern.pattern))
    return names


def outcome(response) -> int | str:
    if response.status_code == 302 and response["Location"].startswith(reverse("account_login")):
        return LOGIN
    return response.status_code


def snapshot() -> dict:
    """Every row of our apps' tables: a refused request must leave them as they were."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for app in OUR_APPS
        for model in apps.get_app_config(app).get_models()
    }


@pytest.fixture
def world(cast, programme, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world(cast, programme)


def test_every_url_name_has_a_row():
    assert sorted(set(url_names()) - set(PERMISSIONS)) == []


def test_every_row_names_a_url():
    assert sorted(set(PERMISSIONS) - set(url_names())) == []


class _Undo(Exception):
    def __init__(self, response) -> None:
        self.response = response


def post_and_undo(client, url: str):
    """POST with no data, then roll the database back: the next role finds it as it was."""
    try:
        with transaction.atomic():
            raise _Undo(client.post(url))
    except _Undo as undo:
        return undo.response


REFUSALS = {LOGIN, 401, 403, 404, 405}


def post_outcome(client, url: str, *, post_only: bool) -> int | str:
    """ALLOWED when a permitted role gets past the access checks (an empty form may still fail
    its validation); a POST-only view must also answer 405 to GET."""
    if post_only:
        response = client.get(url)
        if response.status_code != 405:
            return f"GET {outcome(response)}"
    result = outcome(post_and_undo(client, url))
    return result if result in REFUSALS else ALLOWED


@pytest.mark.parametrize("url_name", sorted(PERMISSIONS))
def test_each_role_gets_what_the_table_says(cast, world, url_name):
    assert_row(cast, world, url_name, PERMISSIONS[url_name])


# The group's own rows, and a few that it must leave as they are.
@pytest.mark.parametrize(
    "url_name",
    sorted({*PROGRAMME_OFFICE, "programs:detail", "programs:edit", "reports:programme_copy"}),
)
def test_programme_office_group_opens_what_the_table_says(cast, world, url_name):
    group = Group.objects.get(name=PROGRAMME_OFFICE_GROUP)
    for user in cast.values():
        if user is not None:
            user.groups.add(group)
    row = {**PERMISSIONS[url_name], **PROGRAMME_OFFICE.get(url_name, {})}
    assert_row(cast, world, url_name, row)


def assert_row(cast, world, url_name: str, row: dict) -> None:
    url = reverse(url_name, args=row["args"](world) if "args" in row else [])
    expected, actual = {}, {}
    for role in ROLES:
        client = client_for(cast[role])
        if "get" in row:
            expected[("GET", role)] = row["get"][role]
            actual[("GET", role)] = outcome(client.get(url))
        if "post" not in row:
            continue
        expected[("POST", role)] = row["post"][role]
        if row["post"][role] == ALLOWED:
            actual[("POST", role)] = post_outcome(client, url, post_only="get" not in row)
            mail.outbox.clear()
            continue
        before = snapshot()
        actual[("POST", role)] = outcome(client.post(url))
        assert snapshot() == before, f"a refused POST by {role} changed data"
        assert mail.outbox == [], f"a refused POST by {role} sent e-mail"
    assert actual == expected


@pytest.mark.parametrize("role", ROLES)
def test_home_lists_the_programmes_of_the_user(cast, world, programme, role):
    response = client_for(cast[role]).get(reverse("home"))
    if role != "anonymous":
        # Delegates see the programme they attend; outsiders never see it.
        shown = programme.title_en in response.content.decode()
        assert shown == (role != "other_organiser")


@pytest.mark.parametrize("view", ["programs:detail", "participants:list", "visits:agenda"])
def test_team_pages_name_the_programme(cast, programme, view):
    response = client_for(cast["staff"]).get(reverse(view, args=[programme.slug]))
    assert programme.short_name_en in response.content.decode()
