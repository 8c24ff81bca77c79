"""Column definitions of the content app's staff exports (prm.exports.columns)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from content.models import Stage
from partners.models import PartnerType
from prm.exports.columns import Column


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


# Staff analytics (rows from content.queries). Top assets: (stage, row) pairs.
TOP_ASSET_COLUMNS = [
    Column(_("Stage"), lambda p: dict(Stage.choices)[p[0]]),
    Column(_("Asset ID"), lambda p: p[1]["asset_id"]),
    Column(_("Title"), lambda p: p[1]["asset__title"]),
    Column(_("Views"), lambda p: p[1]["views"]),
    Column(_("Downloads"), lambda p: p[1]["downloads"]),
    Column(pgettext_lazy("count", "Partners"), lambda p: p[1]["partners"]),
]
UNOPENED_ASSET_COLUMNS = [
    Column(_("Asset ID"), lambda a: a.pk),
    Column(_("Title"), lambda a: a.title),
    Column(_("Kind"), lambda a: a.get_kind_display()),
    Column(_("Language"), lambda a: a.get_language_display()),
    Column(_("Published on"), lambda a: timezone.localtime(a.published_at).date()),
]
ENGAGEMENT_COLUMNS = [
    Column(_("Partner"), lambda r: r["partner__name"]),
    Column(_("Partner type"), lambda r: dict(PartnerType.choices).get(r["partner__partner_type"], "")),
    Column(_("Views"), lambda r: r["views"]),
    Column(_("Downloads"), lambda r: r["downloads"]),
    Column(_("Active users"), lambda r: r["users"]),
    Column(_("Assets"), lambda r: r["assets"]),
    Column(_("Contributions"), lambda r: r["contributions"]),
    Column(_("Last activity"), lambda r: _local(r["last"])),
]
ZERO_SEARCH_COLUMNS = [
    Column(_("Search terms"), lambda r: r["query"]),
    Column(_("Searches"), lambda r: r["n"]),
    Column(pgettext_lazy("count", "Partners"), lambda r: r["partners"]),
    Column(_("Last searched"), lambda r: _local(r["last"])),
]
