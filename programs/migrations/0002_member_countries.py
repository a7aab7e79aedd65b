import json
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "member_countries.json"


def load_member_countries(apps, schema_editor):
    MemberCountry = apps.get_model("programs", "MemberCountry")
    for row in json.loads(FIXTURE.read_text(encoding="utf-8")):
        MemberCountry.objects.get_or_create(country=row["fields"]["country"])


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]
    operations = [migrations.RunPython(load_member_countries, migrations.RunPython.noop)]
