from django.db import migrations

# Kept here rather than imported: a migration must not change when the code does.
GROUP = "Programme office"


def add_programme_office_group(apps, schema_editor):
    """The group that admins grant to let someone create programmes.

    Permissions are normally made after the migrations have run; the group needs its
    permission now, so make it here (the later step finds it and leaves it alone).
    """
    content_type_model = apps.get_model("contenttypes", "ContentType")
    permission_model = apps.get_model("auth", "Permission")
    group_model = apps.get_model("auth", "Group")
    content_type, _ = content_type_model.objects.get_or_create(
        app_label="programs", model="programme"
    )
    permission, _ = permission_model.objects.get_or_create(
        content_type=content_type,
        codename="add_programme",
        defaults={"name": "Can add programme"},
    )
    group, _ = group_model.objects.get_or_create(name=GROUP)
    group.permissions.add(permission)


def remove_programme_office_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0011_programme_invitation_reminder_days"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [
        migrations.RunPython(add_programme_office_group, remove_programme_office_group)
    ]
