"""Member countries are reference data edited in the Django admin."""

from django.urls import reverse

from programs.forms import DelegationForm
from programs.models import MemberCountry
from tests.conftest import client_for
from tests.factories import member_country


def test_admin_deactivates_a_member_country_and_it_is_no_longer_offered(cast, programme):
    country = member_country("BT")
    assert "Bhutan" in dict(DelegationForm(programme=programme).fields["country"].choices).values()

    response = client_for(cast["admin"]).post(
        reverse("admin:programs_membercountry_change", args=[country.pk]),
        {"country": "BT"},  # "is_active" unticked: a cleared checkbox is not sent at all
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:programs_membercountry_changelist")
    assert MemberCountry.objects.get(pk=country.pk).is_active is False
    offered = dict(DelegationForm(programme=programme).fields["country"].choices).values()
    assert "Bhutan" not in offered


def test_organisers_cannot_edit_member_countries_in_the_admin(cast):
    country = member_country("BT")
    response = client_for(cast["organiser"]).post(
        reverse("admin:programs_membercountry_change", args=[country.pk]),
        {"country": "BT"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert MemberCountry.objects.get(pk=country.pk).is_active is True
