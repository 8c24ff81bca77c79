"""The channel dashboard's content engagement roll-ups move to content (issue 24: roll-ups
live with the rows they sum; the dashboard only composes). Data-preserving: the tables are
renamed, not recreated (their rows, constraints and named indexes stay); dashboard's
0002 drops the models from its state only. Reversible."""

import django.db.models.deletion
from django.db import migrations, models

TABLES = ["engagementcutoff", "engagementday", "engagementpartnerlast", "engagementassetlast"]


def _renames(source: str, target: str) -> list[str]:
    return [f"ALTER TABLE {source}_{t} RENAME TO {target}_{t}" for t in TABLES]


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0011_asset_web_url"),
        ("dashboard", "0001_initial"),
        ("partners", "0008_merge_0006_lifecycle_0007_readings"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(forward, reverse)
                for forward, reverse in zip(
                    _renames("dashboard", "content"), _renames("content", "dashboard"), strict=True
                )
            ],
            state_operations=[
                migrations.CreateModel(
                    name="EngagementCutoff",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("cutoff", models.DateTimeField(verbose_name="events before")),
                    ],
                    options={
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
                        "indexes": [models.Index(fields=["last_at"], include=("kind", "partner"), name="engagementpartner_last")],
                        "constraints": [models.UniqueConstraint(fields=("kind", "partner"), name="engagementpartner_once")],
                    },
                ),
            ],
        ),
    ]
