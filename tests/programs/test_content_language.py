"""Content in English and in the programme's own language, whichever it is."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation

from participants.evaluation_forms import EvaluationQuestionForm
from programs.forms import ProgrammeForm
from programs.info_forms import PrivacyNoticeForm
from programs.languages import content_language_choices
from programs.models import Programme
from programs.privacy import DEFAULT_PRIVACY_NOTICE_ID
from tests.conftest import SINHALA_TITLE, client_for
from tests.factories import MembershipFactory, ProgrammeFactory

from .test_forms import programme_data


def test_existing_and_new_programmes_are_in_indonesian_unless_told(db):
    assert ProgrammeFactory().content_language == "id"


def test_languages_offered_are_those_django_knows_but_english():
    # The names are in the interface language: English here, whatever ran before.
    with translation.override("en"):
        choices = content_language_choices()
    codes = [code for code, _name in choices]
    assert {"id", "ms", "th", "ta", "si"} <= set(codes)
    assert not [code for code in codes if code.startswith("en")]
    names = [name for _code, name in choices]
    assert names.index("Indonesian") < names.index("Sinhala") < names.index("Thai")


def test_an_unknown_language_is_refused(db):
    programme = ProgrammeFactory.build(content_language="xx")
    with pytest.raises(ValidationError) as error:
        programme.full_clean()
    assert "content_language" in error.value.error_dict
    form = ProgrammeForm(programme_data(content_language="xx"))
    assert not form.is_valid()
    assert "content_language" in form.errors


def test_the_form_names_the_programmes_language(sinhala):
    form = ProgrammeForm(instance=sinhala)
    assert form.fields["title_local"].label == "Title (Sinhala)"
    assert form.fields["short_name_local"].label == "Short name (Sinhala)"
    assert form.fields["theme_local"].widget.attrs["lang"] == "si"
    assert PrivacyNoticeForm(instance=sinhala).fields["privacy_notice_local"].label == (
        "Privacy notice (Sinhala)"
    )
    question_form = EvaluationQuestionForm(programme=sinhala)
    assert question_form.fields["text_local"].label == "Question (Sinhala)"
    assert "reading in Sinhala" in question_form.fields["text_local"].help_text


def test_a_new_programme_is_labelled_by_the_default_then_the_chosen_language(db):
    assert ProgrammeForm().fields["title_local"].label == "Title (Indonesian)"
    chosen = ProgrammeForm(programme_data(content_language="th"))
    assert chosen.fields["title_local"].label == "Title (Thai)"
    assert chosen.is_valid(), chosen.errors
    assert chosen.save().content_language == "th"


def test_labels_name_the_language_in_the_interface_language(sinhala):
    sinhala.content_language = "th"
    with translation.override("id"):
        label = ProgrammeForm(instance=sinhala).fields["title_local"].label
    assert label == "Judul (bahasa Thailand)"


def test_the_edit_page_saves_the_language(sinhala):
    organiser = MembershipFactory(programme=sinhala).user
    data = programme_data(content_language="ta", title_local="அறிவுப் பகிர்வு")
    response = client_for(organiser).post(reverse("programs:edit", args=[sinhala.slug]), data)
    assert response.status_code == 302
    sinhala.refresh_from_db()
    assert (sinhala.content_language, sinhala.title_local) == ("ta", "அறிவுப் பகிர்வு")


def test_shown_text_is_the_local_one_only_on_pages_in_that_language(sinhala):
    indonesian = ProgrammeFactory(title_en="Library Week", title_local="Pekan Perpustakaan")
    with translation.override("id"):
        assert sinhala.title == "Knowledge Sharing in Colombo"
        assert indonesian.title == "Pekan Perpustakaan"
    with translation.override("si"):
        assert sinhala.title == SINHALA_TITLE
        assert sinhala.short_name == "කොළඹ"
        assert indonesian.title == "Library Week"
    with translation.override("en"):
        assert (sinhala.title, indonesian.title) == ("Knowledge Sharing in Colombo", "Library Week")
    indonesian.title_local = ""
    with translation.override("id"):
        assert indonesian.title == "Library Week"


def test_a_sinhala_programme_reads_english_on_indonesian_pages(sinhala):
    indonesian = ProgrammeFactory(title_en="Library Week", title_local="Pekan Perpustakaan")
    admin = MembershipFactory(programme=sinhala).user
    MembershipFactory(programme=indonesian, user=admin)
    client = client_for(admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    page = client.get(reverse("programs:detail", args=[sinhala.slug])).content.decode()
    assert "Knowledge Sharing in Colombo" in page
    assert SINHALA_TITLE not in page
    page = client.get(reverse("programs:detail", args=[indonesian.slug])).content.decode()
    assert "Pekan Perpustakaan" in page


def test_a_programme_in_another_language_starts_without_the_indonesian_notice(db):
    assert ProgrammeFactory().privacy_notice_local == DEFAULT_PRIVACY_NOTICE_ID
    assert ProgrammeFactory(content_language="ms").privacy_notice_local == ""


@pytest.mark.django_db(transaction=True)
def test_the_rename_keeps_the_texts_and_existing_programmes_stay_indonesian():
    executor = MigrationExecutor(connection)
    before = [("programs", "0007_programme_privacy_notice")]
    after = [("programs", "0008_content_language")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("programs", "Programme")
    old.objects.create(
        slug="old",
        title_en="Old",
        title_id="Lama",
        short_name_en="OLD",
        short_name_id="LAMA",
        theme_id="Tema",
        start_date="2023-11-13",
        end_date="2023-11-17",
        host_institution="Host",
        venue_city="Jakarta",
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    programme = Programme.objects.get(slug="old")
    assert (programme.title_local, programme.short_name_local, programme.theme_local) == (
        "Lama",
        "LAMA",
        "Tema",
    )
    assert programme.content_language == "id"
