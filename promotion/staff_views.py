"""Staff pages of promotion under /staff/: campaign results, portal awareness, the share kit."""

import pygal
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from partners.services import referral_link_for
from prm.exports.streaming import csv_response
from prm.models import CHANNEL_MANAGERS
from prm.tenancy import partners_for_staff, staff_required
from prm.ui import charts
from promotion import queries
from promotion.models import Campaign


def staff_links(request):
    links = [
        {
            "label": _("Share kit"),
            "url": reverse("promotion:staff_share"),
            "description": _(
                "Your referral link with ready texts for social media and your e-mail signature."
            ),
        }
    ]
    if request.user.is_channel_manager or request.user.is_superuser:
        links += [
            {
                "label": _("Campaign results"),
                "url": reverse("promotion:staff_campaigns"),
                "description": _("Opt-ins, downloads, clicks, deals and revenue per campaign and partner."),
            },
            {
                "label": _("Portal awareness"),
                "url": reverse("promotion:staff_awareness"),
                "description": _("Partners signed in, overview video watched, announcement reach."),
            },
        ]
    return links


managers_only = staff_required(groups=(CHANNEL_MANAGERS,))


@managers_only
def staff_campaigns(request):
    partners = partners_for_staff(request.user)
    campaigns = list(queries.campaigns_overview(partners=partners))
    return render(request, "promotion/staff_campaigns.html", {"campaigns": campaigns})


RESULT_HEADER = [
    ("partner", "Partner"),
    ("opt_ins", "Opt-ins"),
    ("downloads", "Kit downloads"),
    ("clicks", "Clicks"),
    ("deals", "Deals"),
    ("pipeline", "Pipeline (JPY)"),
    ("won_deals", "Won deals"),
    ("won_revenue", "Won revenue (JPY)"),
]


def result_header() -> list[str]:
    labels = {
        "partner": _("Partner"),
        "opt_ins": _("Opt-ins"),
        "downloads": _("Kit downloads"),
        "clicks": _("Clicks"),
        "deals": _("Deals"),
        "pipeline": _("Pipeline (JPY)"),
        "won_deals": _("Won deals"),
        "won_revenue": _("Won revenue (JPY)"),
    }
    return [labels[key] for key, _label in RESULT_HEADER]


@managers_only
def staff_campaign(request, pk):
    campaign = get_object_or_404(Campaign, pk=pk)
    partners = partners_for_staff(request.user)
    results = queries.campaign_results(campaign=campaign, partners=partners)
    if request.GET.get("format") == "csv":
        rows = [[r[key] for key, _label in RESULT_HEADER] for r in results["rows"]]
        total = results["total"]
        rows.append([_("Total"), *[total[key] for key, _label in RESULT_HEADER[1:]]])
        return csv_response(f"campaign-{campaign.pk}-results.csv", result_header(), rows)
    weeks = queries.weekly_events(campaign=campaign, partners=partners)
    return render(
        request,
        "promotion/staff_campaign.html",
        {
            "campaign": campaign,
            "results": results,
            "header": result_header(),
            "weeks": weeks,
            "chart": _results_chart(results["rows"]),
        },
    )


def _results_chart(rows) -> str:
    chart = pygal.HorizontalBar(
        js=[], height=160 + 40 * max(1, len(rows[:15])), disable_xml_declaration=True, legend_at_bottom=True
    )
    chart.title = _("Results per partner")
    chart.x_labels = [r["partner"] for r in rows[:15]]
    chart.add(_("Clicks"), [r["clicks"] for r in rows[:15]])
    chart.add(_("Kit downloads"), [r["downloads"] for r in rows[:15]])
    chart.add(_("Deals"), [r["deals"] for r in rows[:15]])
    return charts.render(chart)


@managers_only
def staff_awareness(request):
    data = queries.awareness(partners=partners_for_staff(request.user))
    if request.GET.get("format") == "csv":
        header = [
            _("Partner type"),
            _("Partners"),
            _("Signed in, last 30 days (%)"),
            _("Watched the video (%)"),
            _("Reached by announcements (%)"),
        ]
        rows = [[r["label"], r["total"], r["active"], r["watched"], r["reached"]] for r in data["by_type"]]
        rows += [
            [_("Week of %(date)s") % {"date": w["week"].isoformat()}, "", w["active"], "", ""]
            for w in data["by_week"]
        ]
        return csv_response("portal-awareness.csv", header, rows)
    data["chart"] = _awareness_chart(data["by_week"])
    return render(request, "promotion/staff_awareness.html", data)


def _awareness_chart(weeks) -> str:
    chart = pygal.Line(js=[], height=280, legend_at_bottom=True, disable_xml_declaration=True, range=(0, 100))
    chart.title = _("Portal awareness by week (percent of partners)")
    chart.x_labels = [w["week"].strftime("%m/%d") for w in weeks]
    chart.add(_("Signed in (%)"), [w["active"] for w in weeks])
    chart.add(_("Watched the video (%)"), [w["watched"] for w in weeks])
    chart.add(_("Reached by announcements (%)"), [w["reached"] for w in weeks])
    return charts.render(chart)


@staff_required
def staff_share(request):
    link = referral_link_for(user=request.user)
    url = link.absolute_url
    return render(
        request,
        "promotion/staff_share.html",
        {
            "link": link,
            "url": url,
            "social_text": _(
                "We are looking for partners: resellers, implementation firms and solution providers. "
                "Apply here: %(url)s"
            )
            % {"url": url},
            "signature": _("Become our partner: %(url)s") % {"url": url},
        },
    )
