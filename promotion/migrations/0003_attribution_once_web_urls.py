import prm.text.weburl
from django.db import migrations, models
from django.db.models import Min

from prm.text.weburl import repair_stored_urls


def downloads_once(apps, schema_editor):
    """A kit download now counts once per person and file version: earlier repeats of the
    same person, campaign and version are removed (the first is kept), so the results page
    shows the same rule for the past as for the future. Clicks before this migration have no
    visitor hash and cannot be told apart: they stay as counted."""
    event = apps.get_model("promotion", "CampaignEvent")
    repeated = (
        event.objects.filter(kind="download", user__isnull=False)
        .values("campaign_id", "user_id", "asset_version_id")
        .annotate(first=Min("pk"))
    )
    for group in repeated.iterator():
        event.objects.filter(
            kind="download",
            campaign_id=group["campaign_id"],
            user_id=group["user_id"],
            asset_version_id=group["asset_version_id"],
        ).exclude(pk=group["first"]).delete()


def repair_urls(apps, schema_editor):
    """Announcement links, landing pages and video links: cleaned; one that is still not an
    http(s) address (or, for announcements, a path on the portal) is blanked and an audit
    event `security.url_removed` keeps the old value."""
    repair_stored_urls(apps, "promotion.Announcement", "link_url", relative=True)
    repair_stored_urls(apps, "promotion.Campaign", "landing_url")
    repair_stored_urls(apps, "promotion.CampaignParticipation", "landing_url")
    repair_stored_urls(apps, "promotion.OverviewVideo", "external_url")


class Migration(migrations.Migration):

    dependencies = [
        ('promotion', '0002_kit_files_private'),
        ('prm', '0005_dashboard_indexes'),
        ('prm', '0003_closure_days'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.AddField(
            model_name='campaignevent',
            name='visitor',
            field=models.CharField(blank=True, db_default='', editable=False, max_length=64, verbose_name='visitor (keyed hash)'),
        ),
        migrations.AlterField(
            model_name='announcement',
            name='link_url',
            field=prm.text.weburl.WebURLField(blank=True, help_text='A web address (https://...) or a page of this portal (/campaigns/...).', max_length=300, relative=True, verbose_name='link'),
        ),
        migrations.AlterField(
            model_name='campaign',
            name='landing_url',
            field=prm.text.weburl.WebURLField(blank=True, help_text='Where tracked links lead unless a partner sets its own.', verbose_name='landing page'),
        ),
        migrations.AlterField(
            model_name='campaignparticipation',
            name='landing_url',
            field=prm.text.weburl.WebURLField(blank=True, help_text='Optional: where your tracked link leads.', verbose_name='your landing page'),
        ),
        migrations.AlterField(
            model_name='overviewvideo',
            name='external_url',
            field=prm.text.weburl.WebURLField(blank=True, help_text='Played through youtube-nocookie.com or Vimeo with do-not-track.', verbose_name='YouTube or Vimeo link'),
        ),
        migrations.RunPython(downloads_once, migrations.RunPython.noop),
        migrations.RunPython(repair_urls, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='announcement',
            constraint=models.CheckConstraint(condition=models.Q(('link_url', ''), ('link_url__iregex', '^https?://[^/?#[:space:][:cntrl:]\\\\][^[:space:][:cntrl:]\\\\]*$'), ('link_url__regex', '^/([^/[:space:][:cntrl:]\\\\][^[:space:][:cntrl:]\\\\]*)?$'), _connector='OR'), name='announcement_link_url_web_url', violation_error_message='Enter a web address that starts with https:// (or http://), or a path on this portal that starts with /.'),
        ),
        migrations.AddConstraint(
            model_name='campaign',
            constraint=models.CheckConstraint(condition=models.Q(('landing_url', ''), ('landing_url__iregex', '^https?://[^/?#[:space:][:cntrl:]\\\\][^[:space:][:cntrl:]\\\\]*$'), _connector='OR'), name='campaign_landing_url_web_url', violation_error_message='Enter a web address that starts with https:// (or http://).'),
        ),
        migrations.AddConstraint(
            model_name='campaignevent',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'click'), models.Q(('visitor', ''), _negated=True)), fields=('campaign', 'partner', 'visitor'), name='campaign_click_once_per_visitor_day'),
        ),
        migrations.AddConstraint(
            model_name='campaignevent',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'download')), fields=('campaign', 'user', 'asset_version'), name='campaign_download_once_per_version'),
        ),
        migrations.AddConstraint(
            model_name='campaignparticipation',
            constraint=models.CheckConstraint(condition=models.Q(('landing_url', ''), ('landing_url__iregex', '^https?://[^/?#[:space:][:cntrl:]\\\\][^[:space:][:cntrl:]\\\\]*$'), _connector='OR'), name='participation_landing_url_web_url', violation_error_message='Enter a web address that starts with https:// (or http://).'),
        ),
        migrations.AddConstraint(
            model_name='overviewvideo',
            constraint=models.CheckConstraint(condition=models.Q(('external_url', ''), ('external_url__iregex', '^https?://[^/?#[:space:][:cntrl:]\\\\][^[:space:][:cntrl:]\\\\]*$'), _connector='OR'), name='overview_video_url_web_url', violation_error_message='Enter a web address that starts with https:// (or http://).'),
        ),
    ]
