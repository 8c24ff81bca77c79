"""What a question is about: an onboarding task, a deal, an asset.

The target models belong to the apps below threads, so a thread links to them with a
generic foreign key restricted to an allow-list, and every lookup goes through the
partner's scope. Anything unknown or belonging to another partner is ignored.
"""

from urllib.parse import urlencode

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst

from content.queries import asset_for_partner

# "app_label.model" -> how to load it for a partner: "for_partner" (the model's scoped
# queryset) or a function `f(*, partner, pk) -> obj | None`.
ABOUT_MODELS = {
    "onboarding.onboardingtask": "for_partner",
    "incentives.deal": "for_partner",
    "content.asset": asset_for_partner,
}


def parse(value: str) -> tuple[str, int] | None:
    """'app_label.model:pk' -> ('app_label.model', pk), or None when malformed."""
    label, sep, pk = (value or "").strip().partition(":")
    label = label.lower()
    if not sep or label not in ABOUT_MODELS or not pk.isdigit():
        return None
    return label, int(pk)


def resolve(value: str, *, partner):
    """The object `value` points at, loaded through `partner`'s scope; None otherwise."""
    parsed = parse(value)
    if parsed is None:
        return None
    label, pk = parsed
    return load(label, pk, partner=partner)


def load(label: str, pk: int, *, partner):
    loader = ABOUT_MODELS.get(label)
    if loader is None:
        return None
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    if loader == "for_partner":
        manager = model._default_manager
        if not hasattr(manager, "for_partner"):
            return None
        return manager.for_partner(partner).filter(pk=pk).first()
    obj = loader(partner=partner, pk=pk)
    return obj if isinstance(obj, model) else None


def label_of(obj) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def content_type_for(obj) -> ContentType:
    return ContentType.objects.get_for_model(obj)


def thread_about(thread):
    """The thread's object, re-checked against its partner's scope (None if it went away)."""
    if thread.about_type_id is None:
        return None
    ct = ContentType.objects.get_for_id(thread.about_type_id)
    return load(f"{ct.app_label}.{ct.model}", thread.about_id, partner=thread.partner)


def kind_label(obj) -> str:
    return capfirst(obj._meta.verbose_name)


def partner_url(obj) -> str | None:
    getter = getattr(obj, "get_absolute_url", None)
    return getter() if callable(getter) else None


def staff_url(obj) -> str | None:
    """Staff see the object as a link: its page if it has one, else its admin page."""
    url = partner_url(obj)
    if url:
        return url
    try:
        return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return None


def new_question_url(obj=None, *, category: str | None = None) -> str:
    """The "ask a question about this" link other apps put next to their objects."""
    params = {}
    if obj is not None:
        params["about"] = f"{label_of(obj)}:{obj.pk}"
    if category:
        params["category"] = category
    url = reverse("threads:new")
    return f"{url}?{urlencode(params, safe=':')}" if params else url
