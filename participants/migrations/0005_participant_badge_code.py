from django.db import migrations, models

import participants.models


def give_each_participant_a_code(apps, schema_editor):
    Participant = apps.get_model("participants", "Participant")
    for participant in Participant.objects.filter(badge_code__isnull=True).only("pk"):
        participant.badge_code = participants.models.new_badge_code()
        participant.save(update_fields=["badge_code"])


class Migration(migrations.Migration):
    dependencies = [("participants", "0004_import_batch")]

    # Three steps: a unique default cannot be added to existing rows in one go.
    operations = [
        migrations.AddField(
            model_name="participant",
            name="badge_code",
            field=models.CharField(max_length=32, null=True, editable=False),
        ),
        migrations.RunPython(give_each_participant_a_code, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="participant",
            name="badge_code",
            field=models.CharField(
                default=participants.models.new_badge_code,
                editable=False,
                max_length=32,
                unique=True,
                verbose_name="badge code",
            ),
        ),
    ]
