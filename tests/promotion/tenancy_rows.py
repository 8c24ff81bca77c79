from tests.tenancy import LOGIN, MANAGERS, PARTNER, PARTNER_OBJECT, PUBLIC, STAFF, Row, expect

SECRET_CAMPAIGN = "Alpha-only campaign 5c2b"  # targeted at partner A's type only


def campaign_a(w):
    from partners.models import PartnerType
    from tests.promotion.factories import CampaignFactory

    return CampaignFactory(
        name_ja=SECRET_CAMPAIGN, name_en=SECRET_CAMPAIGN, partner_types=[PartnerType.DELIVERY]
    )


def joined_a(w):
    from promotion import services

    campaign = campaign_a(w)
    services.participation_opt_in(campaign=campaign, partner=w.partner_a, user=w.admin_a)
    return campaign


def kit_a(w):
    from promotion import services
    from promotion.models import CobrandedFile
    from tests.promotion.factories import asset_with_file

    campaign = campaign_a(w)
    asset = asset_with_file("image")
    campaign.assets.set([asset])
    services.participation_opt_in(campaign=campaign, partner=w.partner_a, user=w.admin_a)
    for item in CobrandedFile.objects.filter(status="pending"):
        services.cobranded_generate(file_id=item.pk)
    return {"pk": campaign.pk, "version_pk": asset.current_version_id}


def tracked_a(w):
    from promotion.models import CampaignParticipation

    joined_a(w)
    return {"code": CampaignParticipation.objects.get(partner=w.partner_a).code}


def announcement(w):
    from tests.promotion.factories import AnnouncementFactory

    return {"pk": AnnouncementFactory().pk}


def video(w):
    from promotion.models import OverviewVideo

    OverviewVideo.objects.create(
        title_ja="概要", title_en="Overview", external_url="https://youtu.be/abcdefghijk"
    )
    return {}


CHANNEL_CODE = "rowchannel1"


def channel_link(w):
    from promotion.models import ChannelLink

    ChannelLink.objects.get_or_create(
        code=CHANNEL_CODE, defaults={"name": "Matrix post", "channel": "social"}
    )
    return {"code": CHANNEL_CODE}


def consent(w):
    channel_link(w)
    return {"ch": CHANNEL_CODE, "answer": "allow", "next": "/"}


def leaks(w):
    return [SECRET_CAMPAIGN]


OPT = expect(404, anon=LOGIN, member_a=403, admin_a=302)
PARTNER_POST = expect(302, anon=LOGIN, manager_a=404, manager_other=404, support=404)
WATCHED = expect(204, anon=LOGIN, manager_a=404, manager_other=404, support=404)

ROWS = [
    Row("promotion:index", PARTNER, kwargs=lambda w: (campaign_a(w), {})[1], leaks=leaks),
    Row("promotion:detail", PARTNER_OBJECT, kwargs=lambda w: {"pk": campaign_a(w).pk}, leaks=leaks),
    Row("promotion:opt_in", OPT, kwargs=lambda w: {"pk": campaign_a(w).pk}, method="post"),
    Row("promotion:opt_out", OPT, kwargs=lambda w: {"pk": joined_a(w).pk}, method="post"),
    Row("promotion:kit", PARTNER_OBJECT, kwargs=lambda w: {"pk": joined_a(w).pk}, leaks=leaks),
    Row("promotion:kit_download", PARTNER_OBJECT, kwargs=kit_a),
    Row("promotion:tracked_link", expect(302), kwargs=tracked_a),
    Row("promotion:announcement_dismiss", PARTNER_POST, kwargs=announcement, method="post"),
    Row("promotion:overview", PUBLIC, kwargs=video),
    Row("promotion:channel_link", expect(302), kwargs=channel_link),
    Row("promotion:channel_consent", expect(302), method="post", data=consent),
    # Only an anonymous visitor who came by a live link reports a step; a signed-in person has no channel.
    Row(
        "promotion:channel_seen",
        expect(404, anon=204),
        kwargs=lambda w: (channel_link(w), {})[1],
        method="post",
        query=f"?kind=landing&ch={CHANNEL_CODE}",
    ),
    Row("promotion:video_watched", WATCHED, kwargs=video, method="post"),
    Row("promotion:staff_campaigns", MANAGERS, kwargs=lambda w: (joined_a(w), {})[1]),
    Row("promotion:staff_campaign", MANAGERS, kwargs=lambda w: {"pk": joined_a(w).pk}),
    Row("promotion:staff_campaign", MANAGERS, kwargs=lambda w: {"pk": joined_a(w).pk}, query="?format=csv"),
    Row("promotion:staff_awareness", MANAGERS),
    Row("promotion:staff_awareness", MANAGERS, query="?format=csv"),
    Row("promotion:staff_share", STAFF),
]
