"""The one rule for web addresses people write: `https:` or `http:` only (or, where a field
says so, a path on this site), checked after removing what browsers remove.

Every URL a person can type (announcement links, campaign landing pages, partner websites,
lesson and overview videos, library links, external courses) is a `WebURLField` on the
model, a `WebURLFormField` in forms (model forms and the admin get it from the model
field), a database CHECK constraint (`web_url_constraint`) and, in templates, goes through
`|safe_href` (prm_tags) before it becomes an `href` or `src`:

    website = WebURLField(_("website"), blank=True)                 # models.py
    link_url = WebURLField(_("link"), relative=True, blank=True)    # "/campaigns/3/" too
    class Meta:
        constraints = [web_url_constraint("website", name="partner_website_web_url")]

    website = WebURLFormField(label=_("Website"), required=False)    # a plain form
    <a href="{{ partner.website|safe_href }}">                       # templates

Why "after removing": browsers drop ASCII tab and newline anywhere in a URL and control
characters and spaces at its ends, and read a backslash as a slash, so
"java\\tscript:alert(1)" runs script and "/\\tevil.example" is another site. We remove the
same characters (plus invisible Unicode format characters such as zero-width spaces and
bidirectional overrides, and the full-width space a Japanese keyboard types), then decide.
`tests/prm/test_weburl.py` holds the model fields, constraints and templates to this rule.
"""

import re
import unicodedata
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connections, models
from django.db.models import Q
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from prm.cache import pagecache

SCHEMES = ("http", "https")
ABSOLUTE_MESSAGE = _("Enter a web address that starts with https:// (or http://).")
RELATIVE_MESSAGE = _(
    "Enter a web address that starts with https:// (or http://), or a path on this portal that starts with /."
)

# C0 controls, DEL and C1 controls: never part of a URL a person means.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_URL_VALIDATOR = URLValidator(schemes=list(SCHEMES))


def _is_invisible(char: str) -> bool:
    # Cf: zero-width space/joiner, bidirectional overrides, BOM; they hide what a link is.
    return unicodedata.category(char) == "Cf"


def clean_web_url(value) -> str:
    """The address as a browser would read it: surrounding whitespace (ASCII and Unicode,
    the ideographic space included) removed, control and invisible format characters
    removed everywhere. Not a validation: see `is_web_url`."""
    if value is None:
        return ""
    text = _CONTROL.sub("", str(value))
    text = "".join(c for c in text if not _is_invisible(c))
    return text.strip()


def is_site_path(value: str) -> bool:
    """A path on this site ("/campaigns/3/?x=1#top"): one leading slash, no scheme or host
    however written: no "//", and no backslash, whitespace, control or invisible character
    anywhere (a browser drops or rewrites them, and "/<tab>/evil" becomes "//evil")."""
    if not value.startswith("/") or value.startswith("//"):
        return False
    if "\\" in value or "\ufffd" in value or _CONTROL.search(value):
        return False  # U+FFFD: what an HTML parser makes of "&#0;"
    if any(c.isspace() or _is_invisible(c) for c in value):
        return False
    parts = urlsplit(value)
    return not parts.scheme and not parts.netloc


def is_web_url(value, *, relative: bool = False) -> bool:
    """True when the cleaned `value` is an http(s) address with a host (or, with
    `relative`, a path on this site). Call `clean_web_url` first to get what is stored."""
    value = clean_web_url(value)
    if not value:
        return False
    if relative and value.startswith("/"):
        return is_site_path(value)
    if "\\" in value:
        return False
    try:
        parts = urlsplit(value)
        _URL_VALIDATOR(value)
    except (ValidationError, ValueError):
        return False
    return parts.scheme.lower() in SCHEMES and bool(parts.hostname)


def safe_href(value) -> str:
    """`value` fit for an href or src attribute, or "" when it is not a web address or a path
    on this site (the `|safe_href` template filter)."""
    cleaned = clean_web_url(value)
    return cleaned if is_web_url(cleaned, relative=True) else ""


@deconstructible
class WebURLValidator:
    code = "invalid"  # a form field's own "invalid" message replaces ours

    def __init__(self, *, relative: bool = False):
        self.relative = relative

    def __call__(self, value):
        if value in (None, ""):
            return
        if clean_web_url(value) != value or not is_web_url(value, relative=self.relative):
            raise ValidationError(RELATIVE_MESSAGE if self.relative else ABSOLUTE_MESSAGE, code=self.code)

    def __eq__(self, other):
        return isinstance(other, WebURLValidator) and other.relative == self.relative


class WebURLFormField(forms.URLField):
    """A form field for a web address: cleaned as above, `https://` added to a bare domain
    ("www.example.co.jp"), and only http(s) (or, with `relative`, a site path) accepted."""

    default_validators: list = []
    default_error_messages = {"invalid": ABSOLUTE_MESSAGE}

    def __init__(self, *, relative: bool = False, assume_scheme: str = "https", **kwargs):
        self.relative = relative
        if relative:
            kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url"}))
            kwargs["error_messages"] = {"invalid": RELATIVE_MESSAGE, **(kwargs.get("error_messages") or {})}
        super().__init__(assume_scheme=assume_scheme, **kwargs)
        self.validators.append(WebURLValidator(relative=relative))

    def to_python(self, value):
        value = clean_web_url(value)
        if not value:
            return self.empty_value
        if self.relative and value.startswith("/"):
            return value  # a site path: the validator decides, no scheme is assumed
        if value.startswith("/") or "\\" in value:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class WebURLField(models.URLField):
    """A model field for a web address a person writes (see the module docstring). Model
    validation (the admin, `full_clean`) cleans and checks it; `web_url_constraint` makes
    the database refuse anything else, whichever code path writes."""

    default_validators: list = []

    def __init__(self, *args, relative: bool = False, **kwargs):
        self.relative = relative
        super().__init__(*args, **kwargs)
        self.validators.append(WebURLValidator(relative=relative))

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.relative:
            kwargs["relative"] = True
        return name, path, args, kwargs

    def to_python(self, value):
        value = super().to_python(value)
        return clean_web_url(value) if value else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": WebURLFormField, "relative": self.relative, **kwargs})


# The database's version of the rule: coarser than `is_web_url` (it does not parse host
# names) but it holds for every write, raw SQL and `.update()` included. PostgreSQL ARE.
ABSOLUTE_RE = r"^https?://[^/?#[:space:][:cntrl:]\\][^[:space:][:cntrl:]\\]*$"
RELATIVE_RE = r"^/([^/[:space:][:cntrl:]\\][^[:space:][:cntrl:]\\]*)?$"


def web_url_condition(field: str, *, relative: bool = False) -> Q:
    condition = Q(**{field: ""}) | Q(**{f"{field}__iregex": ABSOLUTE_RE})
    if relative:
        condition |= Q(**{f"{field}__regex": RELATIVE_RE})
    return condition


def web_url_constraint(field: str, *, name: str, relative: bool = False) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=web_url_condition(field, relative=relative),
        name=name,
        violation_error_message=RELATIVE_MESSAGE if relative else ABSOLUTE_MESSAGE,
    )


# --- Existing rows (the data migrations of the apps call this) -----------------------------


def repair_stored_urls(apps, model_label: str, field: str, *, relative: bool = False) -> list[dict]:
    """For a data migration: clean every stored value of `model_label.field`; a value that is
    still not a web address is blanked and an audit event (`security.url_removed`, with the
    old value) is written so that staff can find and re-enter it. Returns what was removed."""
    model = apps.get_model(model_label)
    audit_event = apps.get_model("prm", "AuditEvent")
    content_type = apps.get_model("contenttypes", "ContentType")
    app_label, model_name = model_label.lower().split(".")
    removed, changed = [], False
    rows = model._default_manager.exclude(**{field: ""}).exclude(**{f"{field}__isnull": True})
    for pk, value in rows.values_list("pk", field).iterator():
        cleaned = clean_web_url(value)
        if cleaned == value and is_web_url(cleaned, relative=relative):
            continue
        changed = True
        if is_web_url(cleaned, relative=relative):
            model._default_manager.filter(pk=pk).update(**{field: cleaned})
            continue
        model._default_manager.filter(pk=pk).update(**{field: ""})
        removed.append({"model": f"{app_label}.{model_name}", "pk": pk, "field": field, "value": value[:500]})
    if removed:
        ct, _created = content_type.objects.get_or_create(app_label=app_label, model=model_name)
        partner_of = _partner_ids(model, [r["pk"] for r in removed])
        audit_event.objects.bulk_create(
            [
                audit_event(
                    action="security.url_removed",
                    target_type=ct,
                    target_id=str(r["pk"]),
                    target_repr=f"{model_label} #{r['pk']}"[:200],
                    partner_id=partner_of.get(r["pk"]),
                    data={"field": r["field"], "value": r["value"]},
                )
                for r in removed
            ]
        )
    # The migration adds the CHECK constraint next, in the same transaction: PostgreSQL
    # refuses to alter a table with deferred foreign-key checks still pending.
    with connections[model._default_manager.db].cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    if changed:  # a set-based rewrite of rows any page may show: no cached page keeps the old ones
        pagecache.bump_everything()
    return removed


def _partner_ids(model, pks) -> dict:
    names = {f.name for f in model._meta.get_fields()}
    if model._meta.model_name == "partner":
        return {pk: pk for pk in pks}
    if "partner" in names:
        return dict(model._default_manager.filter(pk__in=pks).values_list("pk", "partner_id"))
    return {}
