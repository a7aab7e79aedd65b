from django.db import migrations, models


class Migration(migrations.Migration):
    """Content in the host's language, whichever it is: the fields lose their Indonesian name."""

    dependencies = [
        ("visits", "0005_session_photo_people_shown"),
    ]

    operations = [
        migrations.RenameField(model_name="session", old_name="title_id", new_name="title_local"),
        migrations.RenameField(
            model_name="session", old_name="description_id", new_name="description_local"
        ),
        migrations.AlterField(
            model_name="session",
            name="description_local",
            field=models.TextField(blank=True, verbose_name="description (host language)"),
        ),
        migrations.AlterField(
            model_name="session",
            name="title_local",
            field=models.CharField(
                blank=True, max_length=300, verbose_name="title (host language)"
            ),
        ),
    ]
