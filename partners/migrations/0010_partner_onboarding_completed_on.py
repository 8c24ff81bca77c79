from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0009_web_urls"),
    ]

    operations = [
        migrations.AddField(
            model_name="partner",
            name="onboarding_completed_on",
            field=models.DateField(
                blank=True,
                help_text="Set when the partner's first onboarding plan is completed; tier thresholds read it.",
                null=True,
                verbose_name="onboarding completed on",
            ),
        ),
    ]
