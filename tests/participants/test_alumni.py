"""The alumni directory: joining and leaving, who sees whom, and whose contacts are shown."""

import pytest
from django.urls import reverse

from participants.alumni_models import AlumniListing
from participants.models import Participant

from ..conftest import client_for
from ..factories import AlumniListingFactory, ParticipantFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

MY_LISTING = reverse("participants:my_alumni")
DIRECTORY = reverse("participants:alumni")


def _taking_part(cast, programme, role="delegate") -> Participant:
    participant = programme.participants.get(user=cast[role])
    participant.status = Participant.Status.COMPLETED
    participant.phone = "+84 90 111 2222"
    participant.save()
    return participant


def _names(response) -> set[str]:
    return {listing.participant.full_name for listing in response.context["page"]}


def test_joining_changing_and_leaving_the_directory(cast, programme):
    participant = _taking_part(cast, programme)
    client = client_for(cast["delegate"])
    response = client.post(MY_LISTING, {"topics": "Reading", "share_contact": "on"})
    assert response.status_code == 302
    listing = AlumniListing.objects.get(participant=participant)
    assert (listing.topics, listing.share_contact) == ("Reading", True)
    client.post(MY_LISTING, {"topics": "Digitisation"})
    listing.refresh_from_db()
    assert (listing.topics, listing.share_contact) == ("Digitisation", False)
    client.post(MY_LISTING, {"leave": ""})
    assert not AlumniListing.objects.exists()


@pytest.mark.parametrize("status", [Participant.Status.WITHDRAWN, Participant.Status.DECLINED])
def test_withdrawn_or_declined_cannot_join_and_are_never_listed(cast, programme, status):
    _taking_part(cast, programme, "delegate_b")
    AlumniListingFactory(participant=programme.participants.get(user=cast["delegate_b"]))
    participant = programme.participants.get(user=cast["delegate"])
    AlumniListingFactory(participant=participant, topics="Old listing")
    participant.status = status
    participant.save()
    client = client_for(cast["delegate"])
    assert client.post(MY_LISTING, {"topics": "Again"}).status_code == 403
    assert AlumniListing.objects.get(participant=participant).topics == "Old listing"
    # Their listing no longer shows, and no longer opens the directory to them.
    assert not client.get(DIRECTORY).context["viewer"].is_listed
    other = client_for(cast["delegate_b"]).get(DIRECTORY)
    assert participant.full_name not in _names(other)


def test_participant_who_has_not_joined_sees_no_one(cast, programme):
    _taking_part(cast, programme)
    AlumniListingFactory(participant__programme=programme, participant__full_name="Sita")
    response = client_for(cast["delegate"]).get(DIRECTORY)
    assert response.status_code == 200
    assert "page" not in response.context
    page = response.content.decode()
    assert "Sita" not in page
    assert "Join it to see the others." in page


def test_alum_sees_the_alumni_of_every_programme_they_joined_and_no_other(cast, programme):
    me = _taking_part(cast, programme)
    AlumniListingFactory(participant=me)
    AlumniListingFactory(participant__programme=programme, participant__full_name="Same")
    earlier = ProgrammeFactory(start_date=programme.start_date.replace(year=2022))
    mine_earlier = ParticipantFactory(
        programme=earlier, user=cast["delegate"], status=Participant.Status.COMPLETED
    )
    AlumniListingFactory(participant=mine_earlier)
    AlumniListingFactory(participant__programme=earlier, participant__full_name="Earlier")
    # A programme they took part in without joining its directory, and one they never saw.
    unjoined = ProgrammeFactory(start_date=programme.start_date.replace(year=2021))
    ParticipantFactory(programme=unjoined, user=cast["delegate"], status="completed")
    AlumniListingFactory(participant__programme=unjoined, participant__full_name="Unjoined")
    AlumniListingFactory(participant__full_name="Stranger")
    client = client_for(cast["delegate"])

    names = _names(client.get(DIRECTORY))
    assert names == {me.full_name, "Same", mine_earlier.full_name, "Earlier"}
    # One programme at a time, among theirs.
    assert _names(client.get(DIRECTORY, {"programme": earlier.slug})) == {
        mine_earlier.full_name,
        "Earlier",
    }
    assert _names(client.get(DIRECTORY, {"programme": unjoined.slug})) == set()
    assert client.get(DIRECTORY, {"programme": "not-mine"}).status_code == 404


def test_search_matches_names_institutions_and_topics(cast, programme):
    AlumniListingFactory(participant=_taking_part(cast, programme), topics="Mobile libraries")
    AlumniListingFactory(participant__programme=programme, participant__full_name="Ana", topics="")
    AlumniListingFactory(
        participant__programme=programme,
        participant__full_name="Ben",
        participant__institution="Jaffna Public Library",
    )
    client = client_for(cast["delegate"])
    assert _names(client.get(DIRECTORY, {"q": "jaffna"})) == {"Ben"}
    assert _names(client.get(DIRECTORY, {"q": "ana"})) == {"Ana"}
    assert len(_names(client.get(DIRECTORY, {"q": "mobile"}))) == 1


@pytest.mark.parametrize(
    ("mine", "theirs", "shown"),
    [(True, True, True), (False, True, False), (True, False, False)],
)
def test_contacts_are_shown_only_between_alumni_who_both_share(
    cast, programme, mine, theirs, shown
):
    AlumniListingFactory(participant=_taking_part(cast, programme), share_contact=mine)
    AlumniListingFactory(
        participant__programme=programme,
        participant__email="sita@example.org",
        participant__phone="+977 1 555 0000",
        share_contact=theirs,
    )
    page = client_for(cast["delegate"]).get(DIRECTORY).content.decode()
    assert ("mailto:sita@example.org" in page) is shown
    assert ("+977 1 555 0000" in page) is shown


def test_team_sees_its_programmes_listings_with_shared_contacts_only(cast, programme):
    AlumniListingFactory(
        participant__programme=programme,
        participant__full_name="Shares",
        participant__email="shares@example.org",
    )
    AlumniListingFactory(
        participant__programme=programme,
        participant__full_name="Keeps",
        participant__email="keeps@example.org",
        share_contact=False,
    )
    AlumniListingFactory(participant__full_name="Elsewhere")
    response = client_for(cast["staff"]).get(
        reverse("participants:programme_alumni", args=[programme.slug])
    )
    assert _names(response) == {"Shares", "Keeps"}
    page = response.content.decode()
    assert "shares@example.org" in page
    assert "keeps@example.org" not in page


@pytest.mark.parametrize("size", [2, 12])
def test_directory_runs_a_fixed_number_of_queries(
    cast, programme, size, django_assert_max_num_queries
):
    AlumniListingFactory(participant=_taking_part(cast, programme))
    for _n in range(size):
        AlumniListingFactory(
            participant=ParticipantFactory(
                programme=programme, user=UserFactory(), status="completed"
            )
        )
    client = client_for(cast["delegate"])
    # Queries: session, user, the participations, the viewer's listings, the count and the
    # page of listings with programmes, countries and provinces.
    with django_assert_max_num_queries(7):
        response = client.get(DIRECTORY)
    assert len(response.context["page"]) == size + 1


@pytest.mark.parametrize("size", [2, 12])
def test_programme_directory_runs_a_fixed_number_of_queries(
    cast, programme, size, django_assert_max_num_queries
):
    AlumniListingFactory.create_batch(size, participant__programme=programme)
    client = client_for(cast["organiser"])
    url = reverse("participants:programme_alumni", args=[programme.slug])
    # Queries: session, user, the programme, the membership, the count and the page of
    # listings; the navigation's memberships and participations.
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert len(response.context["page"]) == size
