from django.db import migrations, models


class Migration(migrations.Migration):
    """Content in the host's language, whichever it is: the fields lose their Indonesian name."""

    dependencies = [
        ("participants", "0009_participant_consent_and_personal_data_access"),
    ]

    operations = [
        migrations.RenameField(
            model_name="evaluationquestion", old_name="text_id", new_name="text_local"
        ),
        migrations.AlterField(
            model_name="evaluationquestion",
            name="text_local",
            field=models.CharField(
                blank=True, max_length=300, verbose_name="question (host language)"
            ),
        ),
    ]
