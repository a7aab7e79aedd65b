import programs.languages
import programs.privacy
from django.db import migrations, models


class Migration(migrations.Migration):
    """Content in the host's language, whichever it is: the fields lose their Indonesian name."""

    dependencies = [
        ("programs", "0007_programme_privacy_notice"),
    ]

    operations = [
        migrations.RenameField(model_name="programme", old_name="title_id", new_name="title_local"),
        migrations.RenameField(
            model_name="programme", old_name="short_name_id", new_name="short_name_local"
        ),
        migrations.RenameField(model_name="programme", old_name="theme_id", new_name="theme_local"),
        migrations.RenameField(
            model_name="programme", old_name="privacy_notice_id", new_name="privacy_notice_local"
        ),
        migrations.AddField(
            model_name="programme",
            name="content_language",
            field=models.CharField(
                choices=programs.languages.content_language_choices,
                default="id",
                help_text="The language of the host, in which texts may be given besides English.",
                max_length=10,
                verbose_name="host language",
            ),
        ),
        migrations.AlterField(
            model_name="programme",
            name="privacy_notice_local",
            field=models.TextField(
                blank=True,
                default=programs.privacy.default_privacy_notice_id,
                verbose_name="privacy notice (host language)",
            ),
        ),
        migrations.AlterField(
            model_name="programme",
            name="short_name_local",
            field=models.CharField(
                blank=True, max_length=40, verbose_name="short name (host language)"
            ),
        ),
        migrations.AlterField(
            model_name="programme",
            name="theme_local",
            field=models.CharField(
                blank=True, max_length=300, verbose_name="theme (host language)"
            ),
        ),
        migrations.AlterField(
            model_name="programme",
            name="title_local",
            field=models.CharField(
                blank=True, max_length=300, verbose_name="title (host language)"
            ),
        ),
    ]
