import prm.text.weburl
from django.db import migrations, models

from prm.text.weburl import repair_stored_urls


def repair_urls(apps, schema_editor):
    """Notification links are written by the portal itself (paths): nothing is expected to
    change; anything that is not a web address or a path is blanked and audited."""
    repair_stored_urls(apps, "prm.Notification", "url", relative=True)


class Migration(migrations.Migration):

    dependencies = [
        ('prm', '0005_dashboard_indexes'),
        ('prm', '0003_closure_days'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.AlterField(
            model_name='notification',
            name='url',
            field=prm.text.weburl.WebURLField(blank=True, max_length=500, relative=True),
        ),
        migrations.RunPython(repair_urls, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.CheckConstraint(condition=models.Q(('url', ''), ('url__iregex', '^https?://[^/?#[:space:][:cntrl:]\\\\][^[:space:][:cntrl:]\\\\]*$'), ('url__regex', '^/([^/[:space:][:cntrl:]\\\\][^[:space:][:cntrl:]\\\\]*)?$'), _connector='OR'), name='prm_notification_url_web_url', violation_error_message='Enter a web address that starts with https:// (or http://), or a path on this portal that starts with /.'),
        ),
    ]
