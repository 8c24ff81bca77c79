import prm.text.weburl
from django.db import migrations, models

from prm.text.weburl import repair_stored_urls


def lms_keep_serving(apps, schema_editor):
    """An LMS connected before partners could be chosen went on serving every partner: it
    keeps doing so until a superuser narrows it. Its old secret is gone (every channel
    manager could read it): a superuser makes a new one in the admin (docs/operations.md)."""
    apps.get_model("onboarding", "ExternalLMS").objects.update(serves_all_partners=True)


def repair_urls(apps, schema_editor):
    """Course and lesson video URLs: cleaned; one that is still not an http(s) address is
    blanked and an audit event `security.url_removed` keeps the old value."""
    repair_stored_urls(apps, "onboarding.Course", "external_url")
    repair_stored_urls(apps, "onboarding.Lesson", "video_url")


class Migration(migrations.Migration):

    dependencies = [
        ('onboarding', '0006_staff_metrics_indexes'),
        ('prm', '0005_dashboard_indexes'),
        ('prm', '0003_closure_days'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='externallms',
            name='secret',
        ),
        migrations.AddField(
            model_name='externallms',
            name='partners',
            field=models.ManyToManyField(blank=True, related_name='+', to='partners.partner', verbose_name='partners served'),
        ),
        migrations.AddField(
            model_name='externallms',
            name='secret_fingerprint',
            field=models.CharField(blank=True, editable=False, help_text='The first characters of the SHA-256 of the shared secret, to tell secrets apart.', max_length=16, verbose_name='secret fingerprint'),
        ),
        migrations.AddField(
            model_name='externallms',
            name='secret_rotated_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='secret made'),
        ),
        migrations.AddField(
            model_name='externallms',
            name='secret_salt',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='externallms',
            name='serves_all_partners',
            field=models.BooleanField(default=False, help_text='Otherwise only people of the partners chosen below are certified from this LMS.', verbose_name='serves every partner'),
        ),
        migrations.RunPython(lms_keep_serving, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='course',
            name='external_url',
            field=prm.text.weburl.WebURLField(blank=True, verbose_name='course URL in the LMS'),
        ),
        migrations.AlterField(
            model_name='lesson',
            name='video_url',
            field=prm.text.weburl.WebURLField(blank=True, help_text='YouTube or Vimeo; shown as an embedded player.', verbose_name='video URL'),
        ),
        migrations.RunPython(repair_urls, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='course',
            constraint=models.CheckConstraint(condition=models.Q(('external_url', ''), ('external_url__iregex', '^https?://[^/?#[:space:][:cntrl:]\\\\][^[:space:][:cntrl:]\\\\]*$'), _connector='OR'), name='course_external_url_web_url', violation_error_message='Enter a web address that starts with https:// (or http://).'),
        ),
        migrations.AddConstraint(
            model_name='lesson',
            constraint=models.CheckConstraint(condition=models.Q(('video_url', ''), ('video_url__iregex', '^https?://[^/?#[:space:][:cntrl:]\\\\][^[:space:][:cntrl:]\\\\]*$'), _connector='OR'), name='lesson_video_url_web_url', violation_error_message='Enter a web address that starts with https:// (or http://).'),
        ),
    ]
