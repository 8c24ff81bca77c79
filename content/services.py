"""Writes of the content library (one function per use case, keyword-only)."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from content import emails, files, queries, search, signals
from content.models import (
    Asset,
    AssetEvent,
    AssetVersion,
    Bookmark,
    Contribution,
    DigestDelivery,
    DigestOptOut,
    PublicAssetEvent,
    SearchLog,
    Stage,
    Tag,
)
from partners.models import Membership, Partner, PartnerType
from prm.audit.log import audit
from prm.audit.transitions import transition
from prm.cache import pagecache
from prm.models import CHANNEL_MANAGERS, User
from prm.notifications.center import notify
from prm.notifications.recipients import assigned_managers, is_current_member
from prm.tenancy import active_membership, partners_for_staff


class ContentError(Exception):
    """The content app's one domain error (message is translated, for the user)."""


# --- Assets ----------------------------------------------------------------------------
def asset_reindex(*, asset: Asset) -> None:
    search.index_assets([asset.pk])


def assets_reindex_all() -> int:
    """Rebuild every asset's search vector (after a restore from a dump without them, or a
    change of the indexing rules): `manage.py reindex_content`. Returns the number of assets."""
    ids = list(Asset.objects.order_by("pk").values_list("pk", flat=True))
    search.index_assets(ids)
    if ids:  # search results are cached under the catalogue
        catalogue_rewritten()
    return len(ids)


def catalogue_rewritten() -> None:
    """Content's set-based jobs over the catalogue (scheduled publishing, the search index
    rebuild) write rows every library page shows, outside any audited service: the one
    place they invalidate the catalogue's cached pages (prm.cache.pagecache)."""
    pagecache.bump(pagecache.catalogue())


@transaction.atomic
def asset_version_add(*, asset: Asset, upload, actor=None, note: str = "") -> AssetVersion:
    """Store `upload` as the asset's new current file; earlier versions are kept."""
    checked = files.check_upload(upload)
    locked = Asset.objects.select_for_update().get(pk=asset.pk)
    number = (locked.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = AssetVersion(
        asset=locked,
        number=number,
        original_name=checked.name,
        file_type=checked.file_type,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        note=note,
    )
    upload.seek(0)
    version.file.save(checked.name, upload, save=False)
    if checked.file_type == "image":
        version.thumbnail.save("thumb.png", files.make_thumbnail(upload, stem="thumb"), save=False)
    version.save()
    Asset.objects.filter(pk=asset.pk).update(current_version=version)
    asset.current_version = version
    audit(actor=actor, action="content.version_added", target=asset, version=number, file=checked.name)
    return version


@transaction.atomic
def article_draft_create(*, title, body, language, actor, source="employee", tags=()) -> Asset:
    """A DRAFT knowledge article (threads turns an answer into knowledge with this)."""
    title = (title or "").strip()[:200]
    if not title:
        raise ContentError(_("An article needs a title."))
    if language not in Asset.Language.values:
        language = Asset.Language.JA
    if source not in Asset.Source.values:
        source = Asset.Source.EMPLOYEE
    asset = Asset.objects.create(
        title=title,
        body=body or "",
        summary=_summary_from(body or ""),
        kind=Asset.Kind.ARTICLE,
        language=language,
        source=source,
        status=Asset.Status.DRAFT,
        author=actor if getattr(actor, "pk", None) else None,
        stages=[],
    )
    for name in tags:
        name = str(name).strip()[:60]
        if name:
            asset.tags.add(tag_get_or_create(name=name))
    search.index_assets([asset.pk])
    audit(actor=actor, action="content.article_drafted", target=asset)
    return asset


IMPORT_FIELDS = ("title", "summary", "kind", "url", "language", "stages", "partner_types", "min_tier")


def _import_tags(asset: Asset, tags: list[str]) -> None:
    asset.tags.set([tag_get_or_create(name=name) for name in tags])


@transaction.atomic
def assets_import_many(*, rows: list[dict], actor) -> list[Asset]:
    """Assets from a bulk import of metadata (no file: one is added in the admin): drafts,
    published in the admin as any other asset; indexed for search; each audited."""
    assets = []
    for data in rows:
        data = dict(data)
        tags = data.pop("tags", None) or []
        asset = Asset.objects.create(
            **{name: data[name] for name in IMPORT_FIELDS if name in data},
            external_id=data["external_id"],
            status=Asset.Status.DRAFT,
            source=Asset.Source.COMPANY,
            author=actor if getattr(actor, "pk", None) else None,
        )
        _import_tags(asset, tags)
        audit(actor=actor, action="content.asset_imported", target=asset, external_id=asset.external_id)
        assets.append(asset)
    search.index_assets([a.pk for a in assets])
    return assets


@transaction.atomic
def asset_import_update(*, asset: Asset, data: dict, actor) -> dict:
    """A bulk import corrects an asset's metadata (never its file or status): the changed
    fields, audited with their old and new values."""
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    changes = {}
    for name in IMPORT_FIELDS:
        if name in data and getattr(asset, name) != data[name]:
            changes[name] = [str(getattr(asset, name)), str(data[name])]
            setattr(asset, name, data[name])
    if changes:
        asset.save(update_fields=[*changes, "updated_at"])
    if "tags" in data:
        before = sorted(asset.tags.values_list("name", flat=True))
        if before != sorted(data["tags"]):
            changes["tags"] = [", ".join(before), ", ".join(sorted(data["tags"]))]
            _import_tags(asset, data["tags"])
    if changes:
        search.index_assets([asset.pk])
        audit(actor=actor, action="content.asset_import_updated", target=asset, changes=changes)
    return changes


def _summary_from(body: str) -> str:
    for line in body.splitlines():
        line = line.strip().lstrip("#>*- ").strip()
        if line:
            return line[:300]
    return ""


def tag_get_or_create(*, name: str) -> Tag:
    # The untranslated column (the unique one), whatever the reader's language.
    tag = Tag.objects.rewrite(False).filter(name__iexact=name).first()
    if tag:
        return tag
    base = slugify(name, allow_unicode=True)[:50] or "tag"
    slug, n = base, 1
    while Tag.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return Tag.objects.create(name=name, slug=slug)


def asset_publish(*, asset: Asset, actor) -> Asset:
    """Publish now (the admin action): a draft, scheduled or archived asset goes live."""
    return transition(
        asset,
        allowed=lambda a: a.status != Asset.Status.PUBLISHED,
        error=ContentError(_("This asset is already published.")),
        values=lambda a: {"status": Asset.Status.PUBLISHED, "published_at": a.published_at or timezone.now()},
        action="content.asset_published",
        actor=actor,
    )


def asset_archive(*, asset: Asset, actor) -> Asset:
    return transition(
        asset,
        allowed=lambda a: a.status != Asset.Status.ARCHIVED,
        error=ContentError(_("This asset is already archived.")),
        values={"status": Asset.Status.ARCHIVED},
        action="content.asset_archived",
        actor=actor,
    )


def assets_publish_due(*, now=None) -> int:
    """Publish every scheduled asset whose time has come (one set-based UPDATE)."""
    now = now or timezone.now()
    published = Asset.objects.filter(status=Asset.Status.SCHEDULED, publish_at__lte=now).update(
        status=Asset.Status.PUBLISHED, published_at=F("publish_at")
    )
    if published:  # a set-based job: the catalogue changed
        catalogue_rewritten()
    return published


# --- Engagement ------------------------------------------------------------------------
def event_record(*, asset: Asset, partner, user, kind: str) -> None:
    """One INSERT; counters are folded in later by engagement_aggregate."""
    AssetEvent.objects.create(asset_id=asset.pk, partner_id=partner.pk, user=user, kind=kind)
    if kind == AssetEvent.Kind.VIEW:
        transaction.on_commit(
            lambda: signals.asset_viewed.send(sender=Asset, asset_id=asset.pk, partner=partner, user=user)
        )


def public_event_record(*, asset: Asset, kind: str, visitor: str | None) -> None:
    """An anonymous view or download of a public asset, once per visitor and day (the
    unique constraint settles a repeat); a bot (no visitor) counts nothing."""
    if visitor is None or not asset.is_public:
        return
    PublicAssetEvent.objects.bulk_create(
        [PublicAssetEvent(asset_id=asset.pk, kind=kind, visitor=visitor)], ignore_conflicts=True
    )


def search_log(*, partner, user, query: str, result_count: int) -> None:
    SearchLog.objects.create(partner=partner, user=user, query=query[:200], result_count=result_count)


# --- Bookmarks -------------------------------------------------------------------------
def bookmark_toggle(*, user, partner, asset: Asset) -> bool:
    """Bookmark or un-bookmark; returns whether the asset is bookmarked afterwards."""
    deleted, _ = Bookmark.objects.filter(user=user, asset=asset).delete()
    if deleted:
        audit(actor=user, action="content.unbookmarked", target=asset, partner=partner)
        return False
    try:
        with transaction.atomic():
            Bookmark.objects.create(user=user, partner=partner, asset=asset)
            audit(actor=user, action="content.bookmarked", target=asset, partner=partner)
    except IntegrityError:
        pass  # a double click: already bookmarked
    return True


# --- Digest ----------------------------------------------------------------------------
def digest_week(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return today - timedelta(days=today.weekday())


def digest_unsubscribe(*, user) -> None:
    DigestOptOut.objects.get_or_create(user=user)


def digest_resubscribe(*, user) -> None:
    DigestOptOut.objects.filter(user=user).delete()


def digest_recipient_ids(*, week: date) -> list[int]:
    """Active partner users at portal partners, not unsubscribed, not yet sent this week."""
    return list(
        Membership.objects.filter(
            is_active=True, user__is_active=True, partner__status__in=Partner.PORTAL_STATUSES
        )
        .exclude(user__in=DigestOptOut.objects.values("user"))
        .exclude(user__in=DigestDelivery.objects.filter(week=week).values("user"))
        .values_list("user_id", flat=True)
    )


def digest_send(*, user_id: int, week: date) -> DigestDelivery | None:
    """Send one user's weekly digest; a second call for the same week does nothing."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or DigestOptOut.objects.filter(user=user).exists():
        return None
    membership = active_membership(user)
    if membership is None:
        return None
    partner = membership.partner
    with transaction.atomic():
        try:
            with transaction.atomic():
                delivery = DigestDelivery.objects.create(user=user, week=week)
        except IntegrityError:
            return None
        assets = queries.digest_assets(
            partner=partner, since=timezone.now() - timedelta(days=7), language=user.language
        )
        delivery.asset_count = len(assets)
        delivery.save(update_fields=["asset_count"])
        if assets:
            emails.send_digest(user=user, partner=partner, assets=assets, stage=partner.stage)
    return delivery


# --- Contributions (content from partners and staff outside the channel team) -------------
CONTRIBUTION_TEXT_FIELDS = ("title", "summary", "body", "language")


def _contribution_text(fields: dict) -> dict:
    text = {name: str(fields.get(name) or "").strip() for name in CONTRIBUTION_TEXT_FIELDS}
    text["title"] = text["title"][:200]
    if not text["title"]:
        raise ContentError(_("A contribution needs a title."))
    if text["language"] not in Asset.Language.values:
        text["language"] = Asset.Language.JA
    return text


def _reviewers(partner):
    """Who reviews: the partner's assigned channel managers; for a staff contribution, or a
    partner nobody is assigned to, every active channel manager."""
    assigned = list(assigned_managers(partner)) if partner is not None else []
    if assigned:
        return assigned
    return list(User.objects.filter(is_active=True, is_staff=True, groups__name=CHANNEL_MANAGERS).distinct())


def _notify_submitted(contribution: Contribution) -> None:
    notify(
        kind="contribution_submitted",
        recipients=_reviewers(contribution.partner),
        event_key=f"contribution:{contribution.pk}:submitted:{contribution.submitted_at.timestamp():.0f}",
        params={
            "contributor": queries.credit_name(contribution),
            "title": contribution.asset.title,
        },
        url=reverse("content:staff_contribution", args=[contribution.pk]),
        partner_id=contribution.partner_id,
    )


@transaction.atomic
def contribution_submit(*, partner, actor, kind: str, fields: dict, upload=None) -> Contribution:
    """A partner's user (`partner`) or a staff member (`partner=None`) sends content for
    review: a DRAFT asset credited to them, with its file, waiting for a channel manager."""
    if kind not in Contribution.Kind.values:
        raise ContentError(_("Choose what kind of content this is."))
    text = _contribution_text(fields)
    if upload is None and not text["body"]:
        raise ContentError(_("Attach a file or write the content."))
    if partner is None and not getattr(actor, "is_staff", False):
        raise ContentError(_("Only partners and staff can contribute content."))
    asset = Asset.objects.create(
        **text,
        kind=Asset.Kind.FILE if upload is not None else Asset.Kind.ARTICLE,
        source=Asset.Source.PARTNER if partner is not None else Asset.Source.EMPLOYEE,
        status=Asset.Status.DRAFT,
        author=actor,
        stages=[],
    )
    if upload is not None:
        asset_version_add(asset=asset, upload=upload, actor=actor)
    contribution = Contribution.objects.create(asset=asset, kind=kind, partner=partner, contributor=actor)
    search.index_assets([asset.pk])
    audit(actor=actor, action="content.contribution_submitted", target=contribution, kind=kind)
    _notify_submitted(contribution)
    return contribution


def _may_edit(actor, contribution: Contribution) -> bool:
    if contribution.partner_id is None:
        return contribution.contributor_id == actor.pk
    return is_current_member(actor, contribution.partner_id)


@transaction.atomic
def contribution_resubmit(*, contribution: Contribution, actor, fields: dict, upload=None) -> Contribution:
    """The contributor's side edits a returned contribution and sends it again."""
    locked = (
        Contribution.objects.select_for_update(of=("self",)).select_related("asset").get(pk=contribution.pk)
    )
    if not _may_edit(actor, locked):
        raise ContentError(_("Only the contributor's side can change this contribution."))
    if locked.status != Contribution.Status.RETURNED:
        raise ContentError(_("Only a contribution returned for changes can be sent again."))
    text = _contribution_text(fields)
    asset = locked.asset
    if upload is None and not text["body"] and not asset.current_version_id:
        raise ContentError(_("Attach a file or write the content."))
    for name, value in text.items():
        setattr(asset, name, value)
    asset.save(update_fields=[*text, "updated_at"])
    if upload is not None:
        asset_version_add(asset=asset, upload=upload, actor=actor, note=_("Sent again"))
        if asset.kind == Asset.Kind.ARTICLE:
            Asset.objects.filter(pk=asset.pk).update(kind=Asset.Kind.FILE)
    locked.status = Contribution.Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["status", "submitted_at"])
    search.index_assets([asset.pk])
    audit(actor=actor, action="content.contribution_resubmitted", target=locked)
    _notify_submitted(locked)
    return locked


def _reviewable(actor, contribution: Contribution) -> Contribution:
    """The locked contribution, if `actor` is a channel manager who may see its partner and
    it waits for review."""
    locked = (
        Contribution.objects.select_for_update(of=("self",))
        .select_related("asset", "partner")
        .get(pk=contribution.pk)
    )
    in_scope = locked.partner_id is None or partners_for_staff(actor).filter(pk=locked.partner_id).exists()
    if not (getattr(actor, "is_channel_manager", False) and in_scope):
        raise ContentError(_("Only the partner's channel manager can review this contribution."))
    if locked.status != Contribution.Status.SUBMITTED:
        raise ContentError(_("This contribution is not waiting for review."))
    return locked


def _notify_reviewed(contribution: Contribution) -> None:
    reviewed_at = contribution.reviewed_at or timezone.now()
    url = (
        reverse("content:contribution", args=[contribution.pk])
        if contribution.partner_id
        else reverse("content:staff_contribution", args=[contribution.pk])
    )
    notify(
        kind="contribution_reviewed",
        # Someone who has left the partner hears nothing more about it.
        recipients=[
            person
            for person in [contribution.contributor]
            if contribution.partner_id is None or is_current_member(person, contribution.partner_id)
        ],
        event_key=f"contribution:{contribution.pk}:{contribution.status}:{reviewed_at.timestamp():.0f}",
        params={"title": contribution.asset.title, "variant": contribution.status},
        url=url,
        partner_id=contribution.partner_id,
    )


AUDIENCE_FIELDS = ("stages", "partner_types", "min_tier")


@transaction.atomic
def contribution_approve(*, contribution: Contribution, actor, fields: dict, audience: dict) -> Contribution:
    """A channel manager approves: the asset, as edited (`fields`), is published to its
    audience (`audience`: stages, partner types, minimum tier), credited to the contributor."""
    locked = _reviewable(actor, contribution)
    stages = [s for s in audience.get("stages") or [] if s in Stage.values]
    if not stages:
        raise ContentError(_("Choose at least one stage the content is for."))
    text = _contribution_text(fields)
    asset = locked.asset
    for name, value in text.items():
        setattr(asset, name, value)
    asset.stages = stages
    asset.partner_types = [t for t in audience.get("partner_types") or [] if t in PartnerType.values]
    asset.min_tier = audience.get("min_tier")
    asset.status = Asset.Status.PUBLISHED
    asset.published_at = timezone.now()
    asset.save(update_fields=[*text, *AUDIENCE_FIELDS, "status", "published_at", "updated_at"])
    locked.status = Contribution.Status.APPROVED
    locked.reviewed_by, locked.reviewed_at = actor, timezone.now()
    locked.review_comment = str(audience.get("comment") or "").strip()
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    search.index_assets([asset.pk])
    audit(actor=actor, action="content.contribution_approved", target=locked, stages=stages)
    _notify_reviewed(locked)
    return locked


@transaction.atomic
def contribution_return(*, contribution: Contribution, actor, comment: str) -> Contribution:
    """A channel manager returns the contribution with a comment saying what to change."""
    comment = (comment or "").strip()
    if not comment:
        raise ContentError(_("Say what should change: the comment is sent to the contributor."))
    locked = _reviewable(actor, contribution)
    locked.status = Contribution.Status.RETURNED
    locked.review_comment = comment
    locked.reviewed_by, locked.reviewed_at = actor, timezone.now()
    locked.save(update_fields=["status", "review_comment", "reviewed_by", "reviewed_at"])
    audit(actor=actor, action="content.contribution_returned", target=locked)
    _notify_reviewed(locked)
    return locked
