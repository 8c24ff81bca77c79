from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from partners.queries import partner_facts
from prm.cache import pagecache
from prm.files.serving import serve
from prm.http import ratelimit
from prm.http.attribution import channel_forget, channel_remember, request_visitor
from prm.http.clientip import client_ip
from prm.http.redirects import safe_next_url
from prm.tenancy import ADMIN, active_membership, partner_required
from promotion import queries, services
from promotion.forms import OptInForm
from promotion.models import Campaign, CampaignParticipation, ChannelEvent, CobrandedFile
from promotion.video import embed_url

# --- Partner: campaigns ---------------------------------------------------------------


@partner_required
def index(request):
    today = timezone.localdate()
    campaigns = pagecache.lazy(
        lambda: list(queries.campaigns_for_partner(request.partner).select_related("min_tier"))
    )
    return render(
        request,
        "promotion/index.html",
        {
            "main": pagecache.Fragment(request, "promotion:index", "catalogue partner", today),
            "campaigns": campaigns,
            "today": today,
            "active_nav": "campaigns",
        },
    )


def _campaign(request, pk) -> Campaign:
    campaign = queries.campaign_for_partner(partner=request.partner, pk=pk)
    if campaign is None:
        raise Http404
    return campaign


@partner_required
def detail(request, pk):
    main = pagecache.Fragment(request, "promotion:detail", "catalogue partner person", pk)
    campaign = pagecache.object_or_404(
        request,
        "promotion:campaign-row",
        pk,
        "catalogue partner",
        lambda: queries.campaign_for_partner(partner=request.partner, pk=pk),
    )

    def shown():
        participation = queries.participation(campaign=campaign, partner=request.partner)
        joined = participation is not None and participation.is_active
        figures = {
            "participation": participation,
            "joined": joined,
            "kit": [],
            "kit_pending": False,
            "texts": [],
        }
        if joined:
            kit = queries.kit_files(campaign=campaign, partner=request.partner)
            figures |= {
                "kit": kit,
                "kit_pending": queries.kit_is_pending(kit),
                "texts": queries.ready_texts(
                    campaign=campaign, participation=participation, partner=request.partner, user=request.user
                ),
            }
        return figures

    figures = pagecache.lazy(shown)  # read only when the fragment is rendered (a miss)
    context = {name: pagecache.lazy(lambda name=name: figures[name]) for name in DETAIL_FIGURES}
    context |= {
        "main": main,
        "campaign": campaign,
        "is_admin": request.membership.is_admin,
        "active_nav": "campaigns",
    }
    return render(request, "promotion/detail.html", context)


DETAIL_FIGURES = ("participation", "joined", "kit", "kit_pending", "texts")


@require_POST
@partner_required(role=ADMIN)
def opt_in(request, pk):
    campaign = _campaign(request, pk)
    form = OptInForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["landing_url"][0])
        # Back to the form with what was typed, to correct rather than type again.
        typed = urlencode({"landing_url": request.POST.get("landing_url", "")[:200]})
        return redirect(reverse("promotion:detail", args=[pk]) + "?" + typed)
    try:
        services.participation_opt_in(
            campaign=campaign,
            partner=request.partner,
            user=request.user,
            landing_url=form.cleaned_data["landing_url"],
        )
    except services.PromotionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your company has joined the campaign. Your kit is being prepared."))
    return redirect("promotion:detail", pk=pk)


@require_POST
@partner_required(role=ADMIN)
def opt_out(request, pk):
    campaign = _campaign(request, pk)
    services.participation_opt_out(campaign=campaign, partner=request.partner, user=request.user)
    messages.success(request, _("Your company has left the campaign."))
    return redirect("promotion:detail", pk=pk)


@never_cache
@partner_required
def kit(request, pk):
    """The kit fragment; htmx polls it while files are being prepared."""
    campaign = _campaign(request, pk)
    if (
        not CampaignParticipation.objects.for_partner(request.partner)
        .opted_in()
        .filter(campaign=campaign)
        .exists()
    ):
        raise Http404
    items = queries.kit_files(campaign=campaign, partner=request.partner)
    return render(
        request,
        "promotion/detail.html#kit",
        {"campaign": campaign, "kit": items, "kit_pending": queries.kit_is_pending(items)},
    )


@partner_required
def kit_download(request, pk, version_pk):
    campaign = _campaign(request, pk)
    if (
        not CampaignParticipation.objects.for_partner(request.partner)
        .opted_in()
        .filter(campaign=campaign)
        .exists()
    ):
        raise Http404
    version = next(
        (v for v, _f in queries.kit_files(campaign=campaign, partner=request.partner) if v.pk == version_pk),
        None,
    )
    if version is None:
        raise Http404
    item = CobrandedFile.objects.for_partner(request.partner).filter(asset_version=version).first()
    if item is None or item.status in (CobrandedFile.Status.PENDING, CobrandedFile.Status.FAILED):
        raise Http404
    services.kit_download_record(
        campaign=campaign, partner=request.partner, user=request.user, asset_version=version
    )
    if item.status == CobrandedFile.Status.READY:
        return serve(request, item.file, filename=item.file.name.rsplit("/", 1)[-1])
    return serve(request, version.file, filename=version.original_name)


@require_GET
def tracked_link(request, code):
    """/c/<code>/: count a human click and lead to the landing page (promotion.services)."""
    if (limited := _too_many(request, "promotion:link")) is not None:
        return limited
    destination = services.link_click(
        code=code, ip=client_ip(request), user_agent=request.headers.get("User-Agent", "")[:500]
    )
    return _tracked_redirect(destination)


def _too_many(request, scope: str):
    """The 429 page once an address passes PROMOTION_LINK_RATE_LIMIT on tracked links, else None."""
    limit, window = settings.PROMOTION_LINK_RATE_LIMIT
    if not ratelimit.ip_limited(request, scope, limit=limit, window=window):
        return None
    response = render(request, "429.html", status=429)
    response["Retry-After"] = str(window)
    return response


def _tracked_redirect(destination: str | None):
    """On to where a tracked link leads (None: a 404), unindexed and without a referrer."""
    if destination is None:
        raise Http404
    response = HttpResponseRedirect(destination)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- Channels: anonymous prospects --------------------------------------------------------

CHANNEL_VISITOR = "promotion.channel.visitor"


def _channel_visitor(request) -> str | None:
    """The visitor to count, or None: a bot, or an address past PROMOTION_CLICKS_PER_IP_DAY
    visitors today (a script that changes its user agent on every request counts that often,
    no more). Marketing figures, not money: with the counter unreachable, counting goes on."""
    day = timezone.localdate()
    visitor = request_visitor(request, day=day, purpose=CHANNEL_VISITOR)
    if visitor is None:
        return None
    steps = len(ChannelEvent.Kind.values)
    if ratelimit.hit(
        channel_counter_key(request, day),
        limit=settings.PROMOTION_CLICKS_PER_IP_DAY * steps,
        window=24 * 3600,
    ):
        return None
    return visitor


def channel_counter_key(request, day) -> str:
    address = salted_hmac(
        "promotion.channel.ip", f"{client_ip(request)}\n{day.isoformat()}", algorithm="sha256"
    )
    return f"promotion:channel-steps:{address.hexdigest()[:24]}"


@require_GET
def channel_link(request, code):
    """/go/<code>/: a channel link (a post, an ad, an event). Counts the visit and leads on;
    nothing is stored on the visitor's device here (the page asks first)."""
    if (limited := _too_many(request, "promotion:channel")) is not None:
        return limited
    return _tracked_redirect(services.channel_link_visit(code=code, visitor=_channel_visitor(request)))


@require_POST
def channel_consent(request):
    """The visitor's answer to "remember the link that brought you here?": a first-party
    cookie with the link's code (30 days) or none; back to the page without the code."""
    next_url = safe_next_url(request, request.POST.get("next"), reverse("home"))
    response = HttpResponseRedirect(next_url)
    link = queries.live_channel_link(request.POST.get("ch", ""))
    if request.POST.get("answer") == "allow" and link is not None:
        channel_remember(response, link.code)
    else:
        channel_forget(response)
    return response


@require_POST
def channel_seen(request):
    """A landing page view or a video play of an anonymous visitor who came by a channel
    link, reported by the page once rendered (promotion/channel.js; a bot that only follows
    the redirect never reports)."""
    kind = request.GET.get("kind", "")
    link = queries.live_channel_link(queries.visitor_channel_code(request))
    if kind not in (ChannelEvent.Kind.LANDING, ChannelEvent.Kind.PLAY) or link is None:
        raise Http404
    if (limited := _too_many(request, "promotion:channel")) is not None:
        return limited
    services.channel_event_record(link=link, kind=kind, visitor=_channel_visitor(request))
    return HttpResponse(status=204)


def channel_seen_url(request, kind: str) -> str:
    """Where a public page reports a step of a visitor who came by a channel link ("" when
    the visitor did not, or is signed in)."""
    code = queries.visitor_channel_code(request)
    if not code:
        return ""
    return reverse("promotion:channel_seen") + "?" + urlencode({"kind": kind, "ch": code})


# --- Partner: announcements, video ------------------------------------------------------


@require_POST
@partner_required
def announcement_dismiss(request, pk):
    announcement = get_object_or_404(
        queries.announcements_for(partner=request.partner, user=request.user), pk=pk
    )
    services.announcement_dismiss(announcement=announcement, user=request.user, partner=request.partner)
    if request.htmx:
        return HttpResponse("")
    return redirect("home")


@require_POST
@partner_required
def video_watched(request):
    video = queries.current_video()
    if video is None:
        raise Http404
    services.video_view_record(video=video, user=request.user, partner=request.partner)
    return HttpResponse(status=204)


def overview(request):
    """The portal overview video, public: linked from the landing page and the invitation e-mail."""
    video = queries.current_video()
    context = _video_context(video) if video else {"video": None}
    context["channel_play_url"] = channel_seen_url(request, ChannelEvent.Kind.PLAY)
    return render(request, "promotion/overview.html", context)


def _video_context(video) -> dict:
    return {
        "video": video,
        "embed_url": "" if video.video_file else embed_url(video.external_url),
        "chapters": queries.chapters(video),
    }


def video_panel_context():
    """For the public landing page (prm) to show the video if there is one."""
    video = queries.current_video()
    return _video_context(video) if video else None


# --- Home panel (registered in PromotionConfig.ready()) ------------------------------------


def home_panel(request, partner):
    """Announcements, the overview video, running campaigns. Part of the person's cached home
    (prm.ui.registry.home_panels), so this runs at least once a day per person: the weekly visit
    and the receipts of the announcements shown are recorded here."""
    services.visit_record(user=request.user, partner=partner)
    announcements = list(queries.announcements_with_receipt(partner=partner, user=request.user)[:3])
    # Receipts are written once per announcement and person, not on every visit.
    unseen = [a for a in announcements if not a.seen]
    services.announcements_seen(announcements=unseen, user=request.user, partner=partner)
    membership = active_membership(request.user)
    video = queries.cached_current_video()
    show_video = video is not None and membership is not None and queries.is_new_member(membership)
    running = queries.running_campaigns(partner)
    lone = partner_facts(partner)["members"] == 1  # shared with the company panel
    if not (announcements or show_video or running or lone or video):
        return None
    context = {
        "current_partner": partner,  # the player reports views (rendered outside the page's context)
        "announcements": announcements,
        "running": running,
        "lone_member": lone,
        "is_admin": membership is not None and membership.is_admin,
        "show_video": show_video,
        "video": video,
    }
    if show_video:
        context |= _video_context(video)
    return "promotion/home_panel.html", context
