"""The one cache policy (docs/CONVENTIONS.md, "Caching"): Redis through Django's cache,
failing open. Every cached value is one of two kinds.

**May lag** (`lagging`): a time-to-live and nothing else. No event invalidates it, so it can
be up to its `seconds` old; the page says "as of" where a person would care (staff metrics,
the dashboard, the leaderboard's ranking).

**Must be exact** (`cached`, `fragment`): the value depends only on coarse scopes and is read
again as soon as one of them is bumped. There are three scopes, and these functions are
their only names:

    catalogue()          what staff edit for everyone: tiers, assets, collections, campaigns...
    partner(partner_id)  one partner's own rows: deals, plan, members, tier state, threads...
    person(user_id)      one person's own rows: notifications, read markers, dismissals

The scopes are part of the stored key, so a partner's value is never read for another
partner, nor one person's for another; the value is stored with the versions of its scopes
(a "stamp") and is a hit only while they are unchanged. Fragments add the language.

Scopes are bumped where every write already passes, and nowhere else (the places are
counted by tests/perf/test_cache_policy.py, at most 10):

- `prm.audit.log.audit()`, inside every service's transaction and, through the change log,
  every admin edit (`audited`: the audited partner, a person, else the catalogue);
- the set-based jobs after their bulk writes, and the writes of notifications and read
  markers (`bump`).

There are no per-model save/delete receivers. A write that passes none of these places (a new
job that forgets) fails the test that runs it: `tests/cacheguard.py` records every INSERT,
UPDATE and DELETE the app makes on the tables of `KINDS` and fails the test when no bump of
that kind goes with it; it also checks that every cached value reads only tables of its
scopes' kinds (or, may-lag values, tables of any kind).

A request reads the versions of its scopes and every value it announced (`want`) in one
`get_many` (`Batch`, one per request: `RequestBatchMiddleware`), so a partner page makes at
most three Redis round trips: the session, the batch and at most one more read. With Redis
down every read is a miss and the value is computed: pages stay correct, only slower.
"""

import hashlib
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import Http404
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe

DEFAULT_TIMEOUT = 3600
# The longest a may-lag value may be kept (tests/cacheguard.py holds every `lagging` to it).
MAX_LAG = 3600

CATALOGUE, PARTNER, PERSON, LAG, STATIC = "catalogue", "partner", "person", "lag", "static"


def _release() -> str:
    """Which code rendered a stored value, part of every key: PRM_RELEASE if the deploy sets
    it, else a digest of our Python sources, templates and compiled catalogues. A fragment an
    older template rendered is never served after a deploy (the two releases share one Redis
    during a rolling restart), and every node of a release computes the same keys."""
    if settings.PRM_RELEASE:
        return settings.PRM_RELEASE[:20]
    base = Path(settings.BASE_DIR)
    digest = hashlib.blake2b(digest_size=8)
    for folder in sorted(p for p in base.iterdir() if p.is_dir() and p.name not in _NOT_CODE):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".py", ".html", ".mo") and "site-packages" not in path.parts:
                digest.update(path.relative_to(base).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


_NOT_CODE = {".git", ".venv", "var", "node_modules", "tests", "bench", "docs", "examples", "deploy"}
RELEASE = _release()


# --- The three scopes ---------------------------------------------------------------------
def catalogue() -> str:
    return "cat"


def partner(partner_id: int) -> str:
    return f"p{int(partner_id)}"


def person(user_id: int) -> str:
    return f"u{int(user_id)}"


def kind_of(scope: str) -> str:
    return {"c": CATALOGUE, "p": PARTNER, "u": PERSON}[scope[0]]


# Which bump a write to each table needs, for the tables that exact values read (the may-lag
# ones, `LAG`, only `lagging` values and TTL-bounded values may read; `STATIC` ones anything).
# tests/cacheguard.py holds both directions: a cached value that reads a table missing here
# (or of another kind than its scopes) fails, and so does an app write to a table here
# without a bump of its kind.
KINDS = {
    # the catalogue: staff edit it (admin, content services), for every partner
    "prm_user": CATALOGUE,  # names show on many partners' pages (staff) or all of one's
    "prm_user_groups": CATALOGUE,  # who is staff: support, channel managers
    "auth_group": CATALOGUE,
    "incentives_tier": CATALOGUE,
    "incentives_recomputationrun": CATALOGUE,
    "content_asset": CATALOGUE,
    "content_asset_tags": CATALOGUE,
    "content_assetversion": CATALOGUE,
    "content_contribution": CATALOGUE,
    "content_collection": CATALOGUE,
    "content_tag": CATALOGUE,
    "promotion_campaign": CATALOGUE,
    "promotion_campaign_named_partners": CATALOGUE,
    "promotion_campaign_assets": CATALOGUE,
    "promotion_overviewvideo": CATALOGUE,
    "promotion_announcement": CATALOGUE,
    "incentives_product": CATALOGUE,
    "leads_routingrule": CATALOGUE,
    "leads_routingrule_partners": CATALOGUE,
    "partners_industry": CATALOGUE,
    "partners_capability": CATALOGUE,
    "incentives_incentiveprogram": CATALOGUE,
    "onboarding_course": CATALOGUE,
    "onboarding_lesson": CATALOGUE,
    "onboarding_question": CATALOGUE,
    "onboarding_choice": CATALOGUE,
    "onboarding_certification": CATALOGUE,
    "onboarding_certification_courses": CATALOGUE,
    "onboarding_externallms": CATALOGUE,
    # one partner's rows
    "partners_partner": PARTNER,
    "partners_partner_industries": PARTNER,
    "partners_partner_capabilities": PARTNER,
    "partners_membership": PARTNER,
    "partners_referrallink": (PARTNER, PERSON),  # a staff member's link is theirs
    "partners_application": (PARTNER, CATALOGUE),  # staff data until it makes a partner
    "incentives_partnertierstate": PARTNER,
    "incentives_deal": PARTNER,
    "content_assetshare": PARTNER,
    "content_bookmark": PARTNER,
    "onboarding_onboardingplan": PARTNER,
    "onboarding_onboardingtask": PARTNER,
    "promotion_campaignparticipation": PARTNER,
    "threads_thread": PARTNER,
    "incentives_statement": PARTNER,
    "incentives_earning": PARTNER,
    "incentives_tierchange": PARTNER,
    "incentives_protectionextension": PARTNER,
    "incentives_dealcredit": PARTNER,  # audited on the deal, naming the credited partner too
    "onboarding_tasksubmission": PARTNER,
    "onboarding_enrollment": PARTNER,
    "onboarding_enrollment_completed_lessons": PARTNER,
    "training_exercisesubmission": PARTNER,
    "training_submissionfile": PARTNER,
    "onboarding_quizattempt": PARTNER,
    "onboarding_usercertification": PARTNER,
    "prm_auditevent": PARTNER,  # a deal's history
    "promotion_cobrandedfile": PARTNER,
    "partners_invitation": PARTNER,
    "threads_message": PARTNER,
    "threads_attachment": PARTNER,
    "leads_lead": (PARTNER, CATALOGUE),  # staff data until a partner holds it (audited on the lead)
    "leads_leadoffer": PARTNER,
    "leads_leadnote": PARTNER,
    # one person's rows
    "prm_notification": PERSON,
    "threads_readmarker": PERSON,
    "promotion_announcementreceipt": (PERSON, PARTNER),  # dismissing is audited: the partner
    # roll-ups and events: read only by values that may lag
    "content_assetevent": LAG,
    "content_segmentpopularity": LAG,
    "content_assetengagement": LAG,
    "content_engagementcursor": LAG,
    "incentives_partneractivation": LAG,
    # set up by migrations, never written while the portal runs: any value may read them
    "django_content_type": STATIC,
}
# Tables where a new row alone needs no bump of its own (an announcement receipt matters once
# it is dismissed, an UPDATE: the first view only records reach).
UNSHOWN_INSERTS = {
    "promotion_announcementreceipt",
    "prm_user",  # a new account shows nowhere until a membership (audited) links it
    "prm_auditevent",  # written only by prm.audit.log.audit(), which bumps (quiet actions show nowhere)
}
# Columns of those tables that no exact value shows: writing only them needs no bump (the
# sign-in time; the engagement counters the hourly roll-up folds in, which only order the
# "most used" list, a value that may lag).
UNSHOWN_COLUMNS = {
    "prm_user": {"last_login", "language", "password"},
    "prm_notification": {"email_due", "emailed_at", "digest_due", "digested_at"},
    "content_asset": {"view_count", "download_count", "use_count"},
    "partners_invitation": {"token_hash"},
    # claims that a reminder or notice was sent (once): no page shows them
    "incentives_deal": {"reminder_sent_for"},
    "incentives_tierchange": {"notified_at"},
    # the fit score: the staff rows that show it are keyed by it (partners.staff_views)
    "partners_application": {"fit_score", "fit_profile_id", "fit_reasons", "updated_at"},
}


# --- Versions -----------------------------------------------------------------------------
def _vkey(scope: str) -> str:
    return f"v:{scope}"


def _new_version() -> int:
    # Never used before (in any process), so a value stamped with an older one is never read.
    return time.time_ns() * 1024 + secrets.randbelow(1024)


def bump(*scopes: str) -> None:
    """Invalidate every exact value of these scopes: now (later reads in the same transaction
    see the change) and again once the transaction commits (another connection may have
    stamped the old rows with the first new version meanwhile)."""
    if not scopes:
        return

    def run():
        fresh = {_vkey(s): _new_version() for s in scopes}
        cache.set_many(fresh, None)
        batch = _batch.get()
        if batch is not None:
            batch.loaded.update(fresh)

    run()
    if observer is not None:
        observer.bumped(scopes)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(run)


def bump_everything() -> None:
    """Every scope at once: for `seed_demo`, which writes rows of every kind in bulk."""
    cache.delete_pattern(_vkey("*"))
    batch = _batch.get()
    if batch is not None:
        batch.loaded.clear()
    if observer is not None:
        observer.bumped((catalogue(), partner(0), person(0)))


# Audit actions that change nothing a cached value shows (sign-ins, MFA, denied attempts,
# exports, staff object permissions).
QUIET_ACTIONS = ("auth.", "mfa.", "admin.denied", "admin.exported", "audit.exported", "guardian.")


def audited(*, action: str, target, partner_id: int | None, partner_ids: Iterable[int] = ()) -> None:
    """Called by `prm.audit.log.audit()` for every audited change (services, admin change log,
    set-based jobs that audit their run): the audited partner's scope, those of `partner_ids`
    (every partner a set-based write touched) and those the target names in its
    `cache_scopes()`; for a change to a person, theirs and the catalogue's too (names show on
    other people's pages); else the catalogue."""
    if action.startswith(QUIET_ACTIONS):
        return
    ids = dict.fromkeys([*([partner_id] if partner_id is not None else []), *partner_ids])
    scopes = [partner(pk) for pk in ids]
    if target is not None and target._meta.label == settings.AUTH_USER_MODEL:
        scopes += [person(target.pk), catalogue()]  # a person's name shows wherever they act
    # A row other pages show too declares their scopes (partners.Application: its referrer).
    if hasattr(target, "cache_scopes"):
        scopes += target.cache_scopes()
    bump(*(scopes or [catalogue()]))


# --- The request's batch ------------------------------------------------------------------
class Batch:
    """Everything one request reads from the cache: what was announced (`want`) is read in
    one `get_many` with the first read, and kept for the rest of the request."""

    def __init__(self):
        self.loaded: dict[str, object] = {}
        self.pending: set[str] = set()

    def want(self, keys: Iterable[str]) -> None:
        self.pending.update(k for k in keys if k not in self.loaded)

    def read(self, keys: Sequence[str]) -> dict:
        """`keys` from the batch; what is not loaded yet is read with everything announced."""
        if any(key not in self.loaded for key in keys):
            self.want(keys)
            found = cache.get_many(list(self.pending))
            for key in self.pending:
                self.loaded[key] = found.get(key)
            self.pending.clear()
        return {key: self.loaded[key] for key in keys}


_batch: ContextVar[Batch | None] = ContextVar("prm_pagecache_batch", default=None)


class RequestBatchMiddleware:
    """One `Batch` per request (outside requests, in tasks and the shell, reads go straight
    to the cache)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _batch.set(Batch())
        try:
            return self.get_response(request)
        finally:
            _batch.reset(token)


def _read(keys: Sequence[str]) -> dict:
    batch = _batch.get()
    if batch is not None:
        return batch.read(keys)
    return cache.get_many(list(keys)) if keys else {}


def _remember(key: str, value) -> None:
    batch = _batch.get()
    if batch is not None:
        batch.loaded[key] = value


def _full_key(prefix: str, key: str, scopes: Sequence[str]) -> str:
    return "|".join((f"{prefix}:{RELEASE}:{key}", *scopes))


def want(key: str, scopes: Sequence[str] = (), *, language: bool = False) -> None:
    """Announce that this request will read `cached(key, scopes)` (or, with `language`,
    `fragment(key, scopes)`): it joins the request's next batched read, with the versions."""
    batch = _batch.get()
    if batch is not None:
        key = f"{key}:{translation.get_language()}" if language else key
        batch.want([*(_vkey(s) for s in scopes), _full_key("pc", key, scopes)])


def want_scopes(*scopes: str) -> None:
    """Announce the request's scopes: their versions join its first batched read."""
    batch = _batch.get()
    if batch is not None:
        batch.want(_vkey(s) for s in scopes)


# --- Reads --------------------------------------------------------------------------------
def _versions(scopes: Sequence[str], found: dict) -> tuple:
    versions = []
    for scope in scopes:
        version = found.get(_vkey(scope))
        if version is None:
            # New (or evicted): a number never used before, so nothing stamped earlier is read.
            version = _new_version()
            if not cache.add(_vkey(scope), version, None):
                version = cache.get(_vkey(scope), version)
            _remember(_vkey(scope), version)
        versions.append(version)
    return tuple(versions)


def cached(key: str, scopes: Sequence[str], compute: Callable, *, timeout: int = DEFAULT_TIMEOUT):
    """`compute()`, exact: kept until one of `scopes` is bumped (or `timeout`)."""
    scopes = tuple(scopes)
    if not scopes:
        raise ValueError("An exact value needs a scope; use lagging() for a value that may lag.")
    full = _full_key("pc", key, scopes)
    found = _read([*(_vkey(s) for s in scopes), full])
    if observer is not None:
        observer.used(scopes, timeout)
    hit = found.get(full)
    if (
        isinstance(hit, tuple)
        and len(hit) == 2
        and all(found.get(_vkey(s)) is not None for s in scopes)
        and hit[0] == tuple(found[_vkey(s)] for s in scopes)
    ):
        return hit[1]
    stamp = _versions(scopes, found)  # read before computing: a write after it bumps it
    value = _compute(compute, full, scopes, timeout)
    cache.set(full, (stamp, value), timeout)
    _remember(full, (stamp, value))
    return value


def lagging(
    key: str, compute: Callable, *, seconds: int, valid: Callable | None = None, after: Sequence[str] = ()
):
    """`compute()`, kept `seconds` whatever changes (at most MAX_LAG): a value that may lag.
    `valid(value)` may end it sooner (the question metrics: once the next question passes its
    target); with `after`, a bump of those scopes ends it too (the value is stored with their
    versions and read with them in one batch: the leaderboard's ranking is renewed by each
    recomputation). Stored as (value, versions): a cached None stays distinct from a miss."""
    full = lagging_key(key)
    after = tuple(after)
    if observer is not None:
        observer.used((), seconds)
    found = _read([*(_vkey(s) for s in after), full])
    hit = found.get(full)
    if (
        isinstance(hit, tuple)
        and len(hit) == 2
        and all(found.get(_vkey(s)) is not None for s in after)
        and hit[1] == tuple(found[_vkey(s)] for s in after)
        and (valid is None or valid(hit[0]))
    ):
        return hit[0]
    stamp = _versions(after, found) if after else ()
    value = _compute(compute, full, (), seconds)
    cache.set(full, (value, stamp), seconds)
    _remember(full, (value, stamp))
    return value


def want_lagging(key: str, *, after: Sequence[str] = ()) -> None:
    """Announce that this request will read `lagging(key, after=after)` (see `want`)."""
    batch = _batch.get()
    if batch is not None:
        batch.want([*(_vkey(s) for s in after), lagging_key(key)])


def lagging_key(key: str) -> str:
    """The cache key of `lagging(key, ...)` (benchmarks drop it to time the computation)."""
    return f"lag:{RELEASE}:{key}"


def _compute(compute: Callable, key: str, scopes: Sequence[str], timeout: int):
    if observer is None:
        return compute()
    with observer.computing(key, scopes, timeout):
        return compute()


# --- Fragments ----------------------------------------------------------------------------
# A fragment is HTML rendered once per key, scopes and language and shared by everyone the
# scopes allow. What differs per request is filled in afterwards (`fill`): the CSRF token is
# rendered as a placeholder no text can contain (it derives from the secret key).
CSRF_PLACEHOLDER = mark_safe(
    "csrf" + hashlib.sha256(f"pagecache-csrf:{settings.SECRET_KEY}".encode()).hexdigest()[:32]
)


def fragment(key: str, scopes: Sequence[str], render: Callable[[], str], *, timeout=DEFAULT_TIMEOUT):
    """`render()` (HTML from our own templates, autoescaped), cached like `cached` per language."""
    key = f"{key}:{translation.get_language()}"
    return mark_safe(cached(key, scopes, lambda: str(render()), timeout=timeout))


def request_scopes(request, kinds: Sequence[str]) -> tuple[list[str], list]:
    """The scopes of `kinds` ("catalogue", "partner", "person") for this request, and what
    else a fragment must vary by: a partner fragment is kept per role (admins see more)."""
    scopes, vary = [], []
    for kind in kinds:
        if kind == CATALOGUE:
            scopes.append(catalogue())
        elif kind == PARTNER:
            scopes.append(partner(request.partner.pk))
            vary.append(request.membership.role)
        elif kind == PERSON:
            scopes.append(person(request.user.pk))
        else:
            raise ValueError(f"Unknown scope kind: {kind}")
    return scopes, vary


class Fragment:
    """A fragment a view declares for its template (`{% fragment main %}`): exact under the
    request's scopes of `kinds` ("catalogue", "partner", "person"), per language and `vary`.
    Declaring it announces its key, so it is read in the request's first batch."""

    def __init__(
        self,
        request,
        name: str,
        kinds: str,
        *vary,
        timeout: int = DEFAULT_TIMEOUT,
        fill: Callable | None = None,
    ):
        kinds_list = kinds.split()
        scopes, parts = request_scopes(request, kinds_list)
        self._setup(request, f"{name}:{digest([*parts, *vary])}", scopes, timeout, fill)
        self.personal = PERSON in kinds_list

    @classmethod
    def keyed(cls, request, key: str, scopes: Sequence[str]) -> "Fragment":
        spec = cls.__new__(cls)
        spec._setup(request, key, tuple(scopes), DEFAULT_TIMEOUT, None)
        spec.personal = False
        return spec

    def _setup(self, request, key, scopes, timeout, fill):
        self.request, self.key, self.scopes, self.timeout, self.fill = request, key, scopes, timeout, fill
        want(self.key, self.scopes, language=True)

    def render(self, render: Callable[[], str]) -> SafeString:
        """The fragment with this request's CSRF token (and, with `fill(html, request)`,
        whatever else is per person: the library's bookmark stars)."""
        html = fill(fragment(self.key, self.scopes, render, timeout=self.timeout), self.request)
        return mark_safe(self.fill(html, self.request)) if self.fill else html


class LaggingFragment:
    """A fragment that may lag (`lagging`): a staff page over every partner, kept `seconds`
    per language and `vary`. Render the time it was computed in it ("as of": `{% now %}`
    inside the fragment is that time)."""

    personal = False

    def __init__(self, request, name: str, *vary, seconds: int):
        self.request, self.seconds = request, seconds
        self.key = f"{name}:{digest(vary)}"
        want_lagging(f"{self.key}:{translation.get_language()}")

    def render(self, render: Callable[[], str]) -> SafeString:
        key = f"{self.key}:{translation.get_language()}"
        return fill(lagging(key, lambda: str(render()), seconds=self.seconds), self.request)


class Rows:
    """Exact fragments of a table's rows (`{% fragment rows row %}` inside the loop), for
    staff tables over many partners: each row is kept per object and read again after a bump
    of its partner's scope or the catalogue (the names it shows), per language and `vary`.
    Every row's versions and HTML are announced at once, so they come in one batched read."""

    def __init__(
        self,
        request,
        name: str,
        rows,
        *,
        partner: Callable = lambda row: row.partner_id,
        vary: Callable = lambda row: (),
    ):
        """`partner(row)`: the row's partner id (None: the row is the catalogue's); `vary(row)`:
        what else its HTML depends on (the days it has waited, today's date)."""
        self.request, self.name, self.partner, self.vary = request, name, partner, vary
        for row in rows:
            want(*self._key(row), language=True)

    def _key(self, row) -> tuple[str, tuple[str, ...]]:
        partner_id = self.partner(row)
        scopes = (catalogue(), partner(partner_id)) if partner_id else (catalogue(),)
        return f"{self.name}:{row.pk}:{digest(self.vary(row))}", scopes

    def part(self, row) -> Fragment:
        return Fragment.keyed(self.request, *self._key(row))


def object_or_404(request, name: str, pk, kinds: str, lookup: Callable):
    """The object a detail page is about: `lookup()` (the instance through the request's
    scope, or None), exact under the request's scopes of `kinds`; None is a 404. On a hit the
    page reads no row for it (declare the page's fragment first: one batched read)."""
    scopes, parts = request_scopes(request, kinds.split())
    found = cached(f"{name}:{pk}:{digest(parts)}", scopes, lookup)
    if found is None:
        raise Http404
    return found


def lazy(compute: Callable):
    """A value computed only when a template first uses it: inside a fragment, only on a miss."""
    return SimpleLazyObject(compute)


def digest(parts) -> str:
    """A short stable digest of the values a fragment varies by."""
    return hashlib.sha256(repr(list(parts)).encode()).hexdigest()[:20]


def fill(html: str, request) -> SafeString:
    """A fragment with this request's CSRF token in place of the placeholder."""
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    return mark_safe(html)


# --- Test hooks ---------------------------------------------------------------------------
# tests/cacheguard.py installs an observer (bumped, used, computing); production has none.
observer = None
