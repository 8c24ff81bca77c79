"""No-op since issue 12: the staff groups and their permissions are declared in prm/access/roles.py
and applied on post_migrate. The original text is kept below for history.

Create the two staff groups with sensible model permissions.

"Channel managers" run the programme (partners, memberships, and every feature app's
models as they land, granted by those apps' own migrations); "Support" answers questions.
Seeing a partner's data as a manager is not a group right: it is `partners.manage_partner`
granted per partner (guardian) or globally to a head of channel.
"""

from django.db import migrations

GROUPS = {
    "Channel managers": [
        ("partners", "partner", ["add", "change", "view"]),
        ("partners", "membership", ["add", "change", "delete", "view"]),
        ("prm", "user", ["add", "change", "view"]),
        ("prm", "auditevent", ["view"]),
    ],
    "Support": [
        ("partners", "partner", ["view"]),
        ("partners", "membership", ["view"]),
    ],
}


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, model, actions in grants:
            codenames = [f"{action}_{model}" for action in actions]
            perms = Permission.objects.filter(
                content_type__app_label=app_label, codename__in=codenames
            )
            group.permissions.add(*perms)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0002_initial"),
        ("prm", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
