from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0006_documents_become_jobs"),
    ]

    operations = [
        migrations.RemoveField(
            model_name='document',
            name='programme',
        ),
        migrations.RemoveField(
            model_name='document',
            name='requested_by',
        ),
        migrations.DeleteModel(
            name='Document',
        ),
    ]
