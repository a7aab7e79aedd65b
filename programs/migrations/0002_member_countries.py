from django.db import migrations

from programs.services import ensure_member_countries


def load_member_countries(apps, schema_editor):
    ensure_member_countries(model=apps.get_model("programs", "MemberCountry"))


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]
    operations = [migrations.RunPython(load_member_countries, migrations.RunPython.noop)]
