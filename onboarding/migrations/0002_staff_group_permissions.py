"""No-op since issue 12: the staff groups and their permissions are declared in prm/access/roles.py
and applied on post_migrate. The original text is kept below for history.

Channel managers run onboarding and training from the admin: grant the group the model
permissions (see partners/migrations/0003_staff_groups); support staff may view plans."""

from django.db import migrations

FULL = ["add", "change", "delete", "view"]
GRANTS = {
    "Channel managers": [
        ("checklisttemplate", FULL),
        ("templatetask", FULL),
        ("onboardingplan", ["add", "change", "view"]),
        ("onboardingtask", ["change", "view"]),
        ("tasksubmission", ["view"]),
        ("course", FULL),
        ("lesson", FULL),
        ("question", FULL),
        ("choice", FULL),
        ("certification", FULL),
        ("usercertification", ["add", "change", "view"]),
        ("enrollment", ["view"]),
        ("externallms", FULL),
        ("lmsevent", ["view"]),
        ("reminderlog", ["view"]),
    ],
    "Support": [
        ("onboardingplan", ["view"]),
        ("onboardingtask", ["view"]),
        ("usercertification", ["view"]),
    ],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("onboarding")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [f"{action}_{model}" for model, actions in grants for action in actions]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="onboarding", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="onboarding")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("onboarding", "0001_initial"),
        ("partners", "0003_staff_groups"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
