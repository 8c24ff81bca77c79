import prm.text.weburl
from django.conf import settings
from django.db import migrations, models

from prm.text.weburl import repair_stored_urls


def repair_urls(apps, schema_editor):
    """Library links and video URLs: cleaned; one that is still not an http(s) address is
    blanked and an audit event `security.url_removed` keeps the old value."""
    repair_stored_urls(apps, "content.Asset", "url")


class Migration(migrations.Migration):

    dependencies = [
        ('content', '0010_library_covering_index'),
        ('prm', '0005_dashboard_indexes'),
        ('prm', '0003_closure_days'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.AlterField(
            model_name='asset',
            name='url',
            field=prm.text.weburl.WebURLField(blank=True, verbose_name='link or video URL'),
        ),
        migrations.RunPython(repair_urls, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='asset',
            constraint=models.CheckConstraint(condition=models.Q(('url', ''), ('url__iregex', '^https?://[^/?#[:space:][:cntrl:]\\\\][^[:space:][:cntrl:]\\\\]*$'), _connector='OR'), name='asset_url_web_url', violation_error_message='Enter a web address that starts with https:// (or http://).'),
        ),
    ]
