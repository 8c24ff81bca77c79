import prm.text.weburl
from django.conf import settings
from django.db import migrations, models

from prm.text.weburl import repair_stored_urls


def repair_urls(apps, schema_editor):
    """Websites: cleaned (spaces, control characters); one that is still not an http(s)
    address is blanked and an audit event `security.url_removed` keeps the old value."""
    repair_stored_urls(apps, "partners.Partner", "website")
    repair_stored_urls(apps, "partners.Application", "website")


class Migration(migrations.Migration):

    dependencies = [
        ('partners', '0006_lifecycle'),
        ('partners', '0007_readings'),
        ('prm', '0005_dashboard_indexes'),
        ('prm', '0003_closure_days'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.AlterField(
            model_name='application',
            name='website',
            field=prm.text.weburl.WebURLField(verbose_name='website'),
        ),
        migrations.AlterField(
            model_name='partner',
            name='website',
            field=prm.text.weburl.WebURLField(blank=True, verbose_name='website'),
        ),
        migrations.RunPython(repair_urls, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='application',
            constraint=models.CheckConstraint(condition=models.Q(('website', ''), ('website__iregex', '^https?://[^/?#[:space:][:cntrl:]\\\\][^[:space:][:cntrl:]\\\\]*$'), _connector='OR'), name='application_website_web_url', violation_error_message='Enter a web address that starts with https:// (or http://).'),
        ),
        migrations.AddConstraint(
            model_name='partner',
            constraint=models.CheckConstraint(condition=models.Q(('website', ''), ('website__iregex', '^https?://[^/?#[:space:][:cntrl:]\\\\][^[:space:][:cntrl:]\\\\]*$'), _connector='OR'), name='partner_website_web_url', violation_error_message='Enter a web address that starts with https:// (or http://).'),
        ),
    ]
