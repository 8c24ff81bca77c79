"""The channel dashboard's content engagement roll-ups move to content (issue 24: roll-ups
live with the rows they sum; the dashboard only composes). Data-preserving: the tables keep
their names (`db_table`: a table is never renamed in one release, docs/deployment.md), so
this is a change of state only, as is dashboard's 0002. Reversible."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0011_asset_web_url"),
        ("dashboard", "0001_initial"),
        ("partners", "0008_merge_0006_lifecycle_0007_readings"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="EngagementCutoff",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("cutoff", models.DateTimeField(verbose_name="events before")),
                    ],
                    options={
                        "db_table": "dashboard_engagementcutoff",
                        "verbose_name": "engagement roll-up state",
                        "verbose_name_plural": "engagement roll-up state",
                    },
                ),
                migrations.CreateModel(
                    name="EngagementDay",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=10, verbose_name="kind")),
                        ("day", models.DateField(verbose_name="day")),
                        ("events", models.PositiveIntegerField(verbose_name="events")),
                    ],
                    options={
                        "db_table": "dashboard_engagementday",
                        "constraints": [models.UniqueConstraint(fields=("kind", "day"), name="engagementday_once")],
                    },
                ),
                migrations.CreateModel(
                    name="EngagementAssetLast",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=10, verbose_name="kind")),
                        ("last_at", models.DateTimeField(verbose_name="latest event")),
                        ("asset", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="content.asset")),
                    ],
                    options={
                        "db_table": "dashboard_engagementassetlast",
                        "indexes": [models.Index(fields=["last_at"], include=("kind", "asset"), name="engagementasset_last")],
                        "constraints": [models.UniqueConstraint(fields=("kind", "asset"), name="engagementasset_once")],
                    },
                ),
                migrations.CreateModel(
                    name="EngagementPartnerLast",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=10, verbose_name="kind")),
                        ("last_at", models.DateTimeField(verbose_name="latest event")),
                        ("partner", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="partners.partner")),
                    ],
                    options={
                        "db_table": "dashboard_engagementpartnerlast",
                        "indexes": [models.Index(fields=["last_at"], include=("kind", "partner"), name="engagementpartner_last")],
                        "constraints": [models.UniqueConstraint(fields=("kind", "partner"), name="engagementpartner_once")],
                    },
                ),
            ],
        ),
    ]
