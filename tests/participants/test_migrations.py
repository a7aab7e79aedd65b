"""Withdrawals recorded before effective dates existed take effect on the day recorded."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from participants.models import Participant, StatusChange
from tests.factories import ParticipantFactory, ProgrammeFactory

BEFORE = [("participants", "0012_participant_subdivision")]
AFTER = [("participants", "0013_withdrawal_dates_reasons_and_replacement")]


@pytest.mark.django_db(transaction=True)
def test_past_withdrawals_take_effect_on_the_day_they_were_recorded():
    programme = ProgrammeFactory(time_zone="Asia/Colombo")
    leaving = ParticipantFactory(programme=programme)
    staying = ParticipantFactory(programme=programme)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldParticipant = old.get_model("participants", "Participant")
    OldStatusChange = old.get_model("participants", "StatusChange")
    OldParticipant.objects.filter(pk=leaving.pk).update(status="withdrawn")
    change = OldStatusChange.objects.create(
        participant_id=leaving.pk, from_status="confirmed", to_status="withdrawn"
    )
    # 20:00 UTC on 14 November is already the 15th in Colombo (UTC+5:30).
    recorded = datetime(2023, 11, 14, 20, 0, tzinfo=ZoneInfo("UTC"))
    OldStatusChange.objects.filter(pk=change.pk).update(changed_at=recorded)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    # Back to the latest schema for the tests that follow.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    colombo = ZoneInfo("Asia/Colombo")
    assert Participant.objects.get(pk=leaving.pk).inactive_from == datetime(
        2023, 11, 15, tzinfo=colombo
    )
    assert str(StatusChange.objects.get(pk=change.pk).effective_on) == "2023-11-15"
    assert Participant.objects.get(pk=staying.pk).inactive_from is None
