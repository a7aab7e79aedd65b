"""The API against its own OpenAPI schema: every operation, with generated data.

Schemathesis reads the schema the app serves, calls every operation through WSGI as an
organiser with a token (paths pointing at a small world of real rows), and checks that no
answer is a server error and that every answer conforms to the schema: its status, content
type, headers and body. Few examples per operation, derandomised: a run takes about a minute
and is the same each time.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from programs.services import programme_office_group
from tests.factories import DelegationFactory, ParticipantFactory
from tpbis.wsgi import application

from .support import organiser_token

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


# Served by the app itself (no data is read to make it).
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
# The schema's examples and generated data; the boundary-value phase would multiply the run
# time by ten.
schema.config.phases.coverage.enabled = False


@pytest.fixture
def _connection_kept_open():
    # Django's test client keeps the test's database connection open across requests; this
    # WSGI client is not Django's, so keep it open the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db, programme, _connection_kept_open):
    """A programme with a delegation and a participant, and its organiser's token, allowed
    everything (the organiser may create programmes too)."""
    token = organiser_token(programme, can_write=True, can_see_passports=True)
    token.user.groups.add(programme_office_group())
    return {
        "token": token,
        "slug": programme.slug,
        "programme_slug": programme.slug,
        "delegation": DelegationFactory(programme=programme).pk,
        "participant": ParticipantFactory(programme=programme, passport_number="C1234567").pk,
    }


@schema.parametrize()
@settings(
    max_examples=4,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_conforms_to_the_schema(case, world):
    # Paths name the world's rows, so that operations reach them rather than only 404.
    for name in ("slug", "programme_slug"):
        if name in (case.path_parameters or {}):
            case.path_parameters[name] = world[name]
    if "id" in (case.path_parameters or {}):
        kind = "delegation" if "/delegations/" in case.path else "participant"
        case.path_parameters["id"] = world[kind]
    # The WSGI transport offers gzip like a browser but does not unpack it: ask for plain bodies.
    case.call_and_validate(
        headers={
            "Authorization": f"Bearer {world['token'].secret}",
            "Accept-Encoding": "identity",
        },
        checks=CHECKS,
    )
