from django.db import migrations, models


class Migration(migrations.Migration):
    """Content in the host's language, whichever it is: the fields lose their Indonesian name."""

    dependencies = [
        ("reports", "0008_job_items_in_order"),
    ]

    operations = [
        migrations.RenameField(
            model_name="certificatetemplate", old_name="heading_id", new_name="heading_local"
        ),
        migrations.RenameField(
            model_name="certificatetemplate", old_name="wording_id", new_name="wording_local"
        ),
        migrations.RenameField(
            model_name="closingreport", old_name="summary_id", new_name="summary_local"
        ),
        migrations.RenameField(
            model_name="closingreport", old_name="outcomes_id", new_name="outcomes_local"
        ),
        migrations.AlterField(
            model_name="certificatetemplate",
            name="heading_local",
            field=models.CharField(
                default="Sertifikat Keikutsertaan",
                max_length=200,
                verbose_name="heading (host language)",
            ),
        ),
        migrations.AlterField(
            model_name="certificatetemplate",
            name="wording_local",
            field=models.TextField(
                blank=True,
                default="telah berpartisipasi dalam",
                verbose_name="wording (host language)",
            ),
        ),
        migrations.AlterField(
            model_name="closingreport",
            name="outcomes_local",
            field=models.TextField(
                blank=True, verbose_name="outcomes and next steps (host language)"
            ),
        ),
        migrations.AlterField(
            model_name="closingreport",
            name="summary_local",
            field=models.TextField(blank=True, verbose_name="summary (host language)"),
        ),
    ]
