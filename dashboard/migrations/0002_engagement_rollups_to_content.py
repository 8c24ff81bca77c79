"""The content engagement roll-ups now belong to content (content 0012 renamed their tables
and took them into its state): dashboard drops them from its state only."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_initial"),
        ("content", "0012_engagement_rollups_from_dashboard"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="EngagementAssetLast"),
                migrations.DeleteModel(name="EngagementPartnerLast"),
                migrations.DeleteModel(name="EngagementDay"),
                migrations.DeleteModel(name="EngagementCutoff"),
            ],
        ),
    ]
