"""Every destructive action asks first: the first POST shows what will be lost and deletes
nothing; only the POST from that page, with `confirmed=1`, acts."""

import re

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.permission_table import PERMISSIONS, build_world

# (URL name, the World attribute it destroys, the form's own fields)
DESTRUCTIVE = [
    ("visits:item_delete", "item", {}),
    ("visits:group_delete", "group", {}),
    ("visits:vehicle_delete", "vehicle", {}),
    ("visits:material_delete", "material", {}),
    ("visits:photo_delete", "photo", {}),
    ("programs:announcement_delete", "announcement", {}),
    ("programs:delegation_delete", "delegation", {}),
    ("participants:evaluation_question_delete", "question", {}),
    ("reports:signatory_delete", "signatory", {}),
    ("reports:quote_delete", "quote", {}),
    ("reports:certificate_revoke", "certificate", {"reason": "Duplicate registration"}),
]


@pytest.fixture
def world(cast, programme, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_world(cast, programme)


def _gone(obj) -> bool:
    """Deleted, or for a certificate, revoked."""
    row = type(obj).objects.filter(pk=obj.pk).first()
    return row is None or getattr(row, "is_valid", True) is False


@pytest.mark.parametrize(("url_name", "attribute", "fields"), DESTRUCTIVE)
def test_destructive_post_asks_first_then_acts(cast, world, url_name, attribute, fields):
    obj = getattr(world, attribute)
    url = reverse(url_name, args=PERMISSIONS[url_name]["args"](world))
    client = client_for(cast["admin"])

    asking = client.post(url, fields)

    assert asking.status_code == 200
    assert not _gone(obj)
    page = asking.content.decode()
    form = re.search(
        r'<form method="post" action="([^"]*)" class="form-actions">(.*?)</form>', page, re.S
    )
    assert form[1] == url
    assert '<input type="hidden" name="confirmed" value="1">' in form[2]
    for name, value in fields.items():
        assert f'<input type="hidden" name="{name}" value="{value}">' in form[2]
    assert re.search(r'<button type="submit" class="danger">[^<]+</button>', form[2])

    done = client.post(url, {**fields, "confirmed": "1"})

    assert done.status_code == 302
    assert _gone(obj)


def test_confirmation_page_names_what_is_lost(cast, world):
    url = reverse(
        "programs:announcement_delete", args=[world.programme.slug, world.announcement.pk]
    )
    page = client_for(cast["organiser"]).post(url).content.decode()
    title = world.announcement.title
    assert f"<h1>Delete the announcement “{title}”?</h1>" in page
    assert "<p>Delegates will no longer see it.</p>" in page
    assert '<button type="submit" class="danger">Delete this announcement</button>' in page
    edit = reverse("programs:announcement_edit", args=[world.programme.slug, world.announcement.pk])
    assert f'<a href="{edit}">Cancel, keep it</a>' in page
