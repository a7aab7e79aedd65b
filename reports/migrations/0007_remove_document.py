from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0006_documents_become_jobs"),
    ]

    operations = [
        migrations.DeleteModel(name="Document"),
    ]
