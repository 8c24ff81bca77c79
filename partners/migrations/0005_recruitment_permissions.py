"""No-op since issue 12: the staff groups and their permissions are declared in prm/access/roles.py
and applied on post_migrate. The original text is kept below for history.

Channel managers run recruitment: profiles, lookups, applications, referral links, invitations."""

from django.db import migrations

GRANTS = [
    ("industry", ["add", "change", "delete", "view"]),
    ("capability", ["add", "change", "delete", "view"]),
    ("idealprofile", ["add", "change", "delete", "view"]),
    ("application", ["change", "view"]),
    ("applicationevent", ["view"]),
    ("referrallink", ["add", "change", "view"]),
    ("invitation", ["view"]),
]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("partners")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Channel managers")
    for model, actions in GRANTS:
        perms = Permission.objects.filter(
            content_type__app_label="partners", codename__in=[f"{a}_{model}" for a in actions]
        )
        group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [("partners", "0004_recruitment")]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
