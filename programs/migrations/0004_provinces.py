from django.db import migrations

from programs.services import ensure_provinces


def load_provinces(apps, schema_editor):
    ensure_provinces(model=apps.get_model("programs", "Province"))


class Migration(migrations.Migration):
    dependencies = [("programs", "0003_province_programme_expected_domestic_and_more")]
    operations = [migrations.RunPython(load_provinces, migrations.RunPython.noop)]
