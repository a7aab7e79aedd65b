"""Fixtures shared by the travel tests (legs by hand and by import)."""

import pytest

from participants.models import Participant
from tests.conftest import client_for


@pytest.fixture
def organiser(cast):
    return client_for(cast["organiser"])


@pytest.fixture
def delegate_a(cast):
    return Participant.objects.get(user=cast["delegate"])
