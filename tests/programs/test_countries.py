from programs.countries import country_name, name_sort_key


def test_country_name_follows_the_language():
    assert country_name("MV", language="en") == "Maldives"
    assert country_name("MV", language="id") == "Maladewa"
    assert country_name("kr", language="id") == "Korea Selatan"


def test_name_sort_key_ignores_accents_and_case():
    names = ["Denmark", "Côte d’Ivoire", "cuba", "Canada"]
    assert sorted(names, key=name_sort_key) == ["Canada", "Côte d’Ivoire", "cuba", "Denmark"]
