"""The participant list: filters, search, sorting, pagination and its query count."""

import re

import pytest
from django.urls import reverse

from participants.models import Participant
from programs.countries import name_sort_key
from programs.models import Province

from ..conftest import client_for
from ..factories import InvitationFactory, ParticipantFactory, member_country


def _list(user, programme, **params):
    return client_for(user).get(reverse("participants:list", args=[programme.slug]), params)


def _names(response) -> list[str]:
    return [p.full_name_latin or p.full_name for p in response.context["participants"]]


def _bulk(programme, count: int) -> None:
    laos, nepal = member_country("LA"), member_country("NP")
    bali = Province.objects.get(name="Bali")
    people = []
    for n in range(count):
        domestic = n % 3 == 0
        people.append(
            ParticipantFactory.build(
                programme=programme,
                category=Participant.Category.DOMESTIC
                if domestic
                else Participant.Category.INTERNATIONAL,
                status=Participant.Status.CONFIRMED if n % 2 else Participant.Status.INVITED,
                full_name=f"Person {n:04d}",
                full_name_latin=f"Person {n:04d}",
                gender=Participant.Gender.MALE if n % 2 else Participant.Gender.FEMALE,
                country=None if domestic else (laos if n % 5 else nepal),
                province=bali if domestic else None,
                region="Kota Denpasar" if domestic else "",
                institution=f"Library {n % 7}",
                email=f"person{n}@example.org",
                dietary_needs="Halal" if n % 4 == 0 else "",
            )
        )
    Participant.objects.bulk_create(people)


@pytest.mark.parametrize("role", ["staff", "organiser", "admin"])
def test_list_offers_adding_and_exporting_to_managers_only(cast, programme, role):
    response = _list(cast[role], programme)
    page = response.content.decode()
    # The cast's two delegates are participants of the programme.
    assert response.context["page"].paginator.count == 2
    assert "2 participants" in page
    is_manager = role in ("organiser", "admin")
    assert ("Add participant" in page) == is_manager
    assert ("Export CSV" in page) == is_manager
    assert ("Export XLSX" in page) == is_manager
    assert (reverse("participants:import", args=[programme.slug]) in page) == is_manager


@pytest.mark.parametrize("size", [10, 500])
def test_list_query_count_does_not_grow(cast, programme, size, django_assert_max_num_queries):
    _bulk(programme, size)
    client = client_for(cast["organiser"])
    url = reverse("participants:list", args=[programme.slug])
    # Session, user, programme, membership role; the navigation's memberships and
    # participations; the category counts and countries represented; the filter form's
    # countries and provinces; the paginator's count and the page of participants.
    with django_assert_max_num_queries(12):
        response = client.get(url, {"status": "confirmed", "sort": "-name"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == size // 2


def test_list_columns(cast, programme):
    ParticipantFactory(
        programme=programme,
        full_name="ສົມພອນ ພົມມະວົງ",
        full_name_latin="Somphone Phommavong",
        country=member_country("LA"),
        institution="National Library of Laos",
        status=Participant.Status.CONFIRMED,
        dietary_needs="Vegetarian",
    )
    ParticipantFactory(
        programme=programme,
        full_name="Made Suartana",
        category=Participant.Category.DOMESTIC,
        country=None,
        province=Province.objects.get(name="Bali"),
        region="Provinsi Bali",
    )
    page = _list(cast["staff"], programme).content.decode()
    assert re.search(
        r"Somphone Phommavong</a><br><span class=\"native\" lang=\"\">ສົມພອນ ພົມມະວົງ</span>",
        page,
    )
    assert "<td>Laos</td>" in page
    assert "<td>Provinsi Bali</td>" in page
    assert "<td>National Library of Laos</td>" in page
    assert '<span class="badge status-confirmed">Confirmed</span>' in page
    assert 'title="Vegetarian">Dietary</span>' in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("somphone", ["Somphone Phommavong"]),
        ("ພົມມະວົງ", ["Somphone Phommavong"]),
        ("kulon progo", ["Rina Marlina"]),
        ("RINA@", ["Rina Marlina"]),
        ("nobody", []),
    ],
)
def test_search_by_latin_native_institution_and_email(cast, programme, query, expected):
    ParticipantFactory(
        programme=programme,
        full_name="ສົມພອນ ພົມມະວົງ",
        full_name_latin="Somphone Phommavong",
        institution="National Library of Laos",
    )
    ParticipantFactory(
        programme=programme,
        full_name="Rina Marlina",
        institution="Dinas Perpustakaan Kabupaten Kulon Progo",
        email="rina@example.org",
    )
    response = _list(cast["organiser"], programme, q=query)
    assert _names(response) == expected


def test_filters_combine(cast, programme):
    _bulk(programme, 30)
    organiser = cast["organiser"]
    laos = member_country("LA")
    bali = Province.objects.get(name="Bali")

    def count(**params) -> int:
        return _list(organiser, programme, **params).context["page"].paginator.count

    people = programme.participants.exclude(user__isnull=False)
    assert count(status="confirmed") == people.filter(status="confirmed").count() == 15
    assert count(category="domestic") == 10
    assert count(country=laos.pk) == people.filter(country=laos).count()
    assert count(region=bali.code) == 10
    assert count(gender="female") == people.filter(gender="female").count() + 2
    assert count(needs="dietary") == 8
    assert count(category="domestic", status="confirmed") == 5


def test_invalid_filter_value_shows_an_error_not_a_500(cast, programme):
    response = _list(cast["organiser"], programme, status="lost")
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()


def test_sort_by_name_both_ways(cast, programme):
    for name in ("Bui", "Anh", "Chen"):
        ParticipantFactory(
            programme=programme, full_name=name, full_name_latin=name, institution="Sorted"
        )
    ascending = _names(_list(cast["organiser"], programme, sort="name", q="sorted"))
    assert ascending == ["Anh", "Bui", "Chen"]
    descending = _names(_list(cast["organiser"], programme, sort="-name", q="sorted"))
    assert descending == ["Chen", "Bui", "Anh"]


def test_sort_by_name_uses_the_name_shown(cast, programme):
    ParticipantFactory(programme=programme, full_name="Siti", institution="Sorted")
    ParticipantFactory(
        programme=programme, full_name="ສົມພອນ", full_name_latin="Somphone", institution="Sorted"
    )
    ParticipantFactory(programme=programme, full_name="Agus", institution="Sorted")
    ascending = _names(_list(cast["organiser"], programme, sort="name", q="sorted"))
    assert ascending == ["Agus", "Siti", "Somphone"]
    descending = _names(_list(cast["organiser"], programme, sort="-name", q="sorted"))
    assert descending == ["Somphone", "Siti", "Agus"]


def test_sort_headers_toggle_and_keep_filters(cast, programme):
    response = _list(cast["organiser"], programme, status="invited", sort="name", page="1")
    columns = {column["key"]: column for column in response.context["columns"]}
    assert columns["name"]["query"] == "status=invited&sort=-name"
    assert columns["name"]["direction"] == "ascending"
    assert columns["status"]["query"] == "status=invited&sort=status"
    assert columns["status"]["direction"] == ""
    page = response.content.decode()
    assert '<th scope="col" aria-sort="ascending">' in page
    assert 'href="?status=invited&amp;sort=-name"' in page
    descending = _list(cast["organiser"], programme, sort="-name")
    assert descending.context["columns"][0]["query"] == "sort=name"
    assert descending.context["columns"][0]["direction"] == "descending"


def test_pagination_fifty_a_page_with_filters_kept(cast, programme):
    _bulk(programme, 120)
    response = _list(cast["organiser"], programme, category="international", page="2")
    page_obj = response.context["page"]
    # 80 of the bulk and the cast's two delegates.
    assert (page_obj.paginator.count, page_obj.paginator.num_pages) == (82, 2)
    assert (page_obj.number, len(page_obj.object_list)) == (2, 32)
    html = response.content.decode()
    assert 'href="?category=international&amp;page=1" rel="prev"' in html
    assert 'href="?category=international&amp;page=2" aria-current="page"' in html
    assert "82 participants match the filters · showing 51–82" in html


@pytest.mark.parametrize(("page", "expected"), [("999", 3), ("abc", 1), ("", 1), ("-1", 3)])
def test_pagination_out_of_range_or_garbage(cast, programme, page, expected):
    _bulk(programme, 120)
    response = _list(cast["organiser"], programme, page=page)
    assert response.status_code == 200
    assert response.context["page"].number == expected


def test_export_links_carry_the_filters(cast, programme):
    response = _list(cast["admin"], programme, status="invited", q="a b", page="2")
    page = response.content.decode()
    csv_url = reverse("participants:export", args=[programme.slug, "csv"])
    xlsx_url = reverse("participants:export", args=[programme.slug, "xlsx"])
    assert f'href="{csv_url}?status=invited&amp;q=a+b"' in page
    assert f'href="{xlsx_url}?status=invited&amp;q=a+b"' in page


def _country_options(response) -> list[str]:
    select = re.search(
        r'<select name="country"[^>]*>(.*?)</select>', response.content.decode(), re.S
    )
    return re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", select.group(1))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Bhutan", "Brunei", "Malaysia", "Maldives", "South Korea"]),
        ("id", ["Bhutan", "Brunei", "Korea Selatan", "Maladewa", "Malaysia"]),
    ],
)
def test_country_filter_sorted_by_name_in_page_language(cast, programme, language, expected):
    for code in ("BN", "BT", "KR", "MV", "MY"):
        member_country(code)
    client = client_for(cast["organiser"])
    client.cookies["django_language"] = language
    response = client.get(reverse("participants:list", args=[programme.slug]), {"q": ""})
    options = _country_options(response)
    assert [name for name in options if name in expected] == expected
    assert options == sorted(options, key=name_sort_key)


@pytest.mark.parametrize("language", ["en", "id"])
def test_search_covers_region_and_institution(cast, programme, language):
    ParticipantFactory(
        programme=programme,
        category=Participant.Category.DOMESTIC,
        country=None,
        full_name="Dewi Lestari",
        full_name_latin="Dewi Lestari",
        region="Kabupaten Sleman",
        institution="Dinas Perpustakaan",
    )
    ParticipantFactory(
        programme=programme,
        full_name="Karma Wangchuk",
        full_name_latin="Karma Wangchuk",
        institution="National Library of Bhutan",
    )
    client = client_for(cast["organiser"])
    client.cookies["django_language"] = language

    def names(query: str) -> list[str]:
        url = reverse("participants:list", args=[programme.slug])
        return _names(client.get(url, {"q": query}))

    assert names("sleman") == ["Dewi Lestari"]
    assert names("library of bhutan") == ["Karma Wangchuk"]
    assert names("perpustakaan") == ["Dewi Lestari"]


def test_the_count_agrees_with_one_participant(cast, programme):
    ParticipantFactory(programme=programme, email="only@example.org", institution="Zyxwv Library")
    html = _list(cast["organiser"], programme, q="Zyxwv").content.decode()
    assert "1 participant matches the filters" in html
    assert "match the filters" not in html.replace("1 participant matches the filters", "")


def test_invited_is_said_only_once_an_invitation_was_sent(cast, programme):
    waiting = ParticipantFactory(programme=programme, full_name_latin="Waiting Person")
    invited = ParticipantFactory(programme=programme, full_name_latin="Invited Person")
    InvitationFactory(participant=invited)
    assert waiting.status == invited.status == Participant.Status.INVITED
    response = _list(cast["staff"], programme)
    labels = {row.full_name_latin: row.status_label for row in response.context["participants"]}
    assert (labels["Waiting Person"], labels["Invited Person"]) == ("Not yet invited", "Invited")
    assert '<span class="badge status-invited">Not yet invited</span>' in response.content.decode()
    client = client_for(cast["organiser"])
    for participant, label in ((waiting, "Not yet invited"), (invited, "Invited")):
        url = reverse("participants:detail", args=[programme.slug, participant.pk])
        page = client.get(url).content.decode()
        assert f'<span class="badge status-invited">{label}</span>' in page


def test_filters_offer_all_as_their_first_choice_in_the_page_language(cast, programme):
    page = _list(cast["organiser"], programme).content.decode()
    status_select = re.search(r'<select name="status".*?</select>', page, re.S).group(0)
    assert '<option value="" selected>All</option>' in status_select
    assert "---------" not in page

    client = client_for(cast["organiser"])
    client.cookies["django_language"] = "id"
    page = client.get(reverse("participants:list", args=[programme.slug])).content.decode()
    assert '<option value="" selected>Semua</option>' in page
