"""Staff edits as the Django admin makes them, for tests that change data "in the admin".

The admin's change form runs its ModelAdmin's `save_model` (the object), `save_related`
(many-to-many fields and inlines, and whatever the project's admin adds there: an asset is
re-indexed for search), then writes its change log (`log_addition` / `log_change`); its delete
view logs the deletion (`log_deletions`) and deletes. The change log is the choke point through
which an admin edit reaches `prm.audit.log.audit()` and so the cache scope it bumps
(prm.cache.pagecache). These helpers run exactly those methods of the registered ModelAdmin, inside
one transaction as the admin does, without filling in the whole form;
`tests/perf/test_cache_policy.py` also posts a real change form.

    asset.title = "New"; admin_save(asset)          # changed in the admin
    admin_save(AssetFactory(), added=True)          # made by a factory, as the add form would
    admin_save(share, via=share.asset)              # an inline: the parent's change is logged
"""

from types import SimpleNamespace

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import transaction
from django.test import RequestFactory


def _request(by):
    if by is None:
        by = get_user_model().objects.filter(is_superuser=True).first()
        if by is None:
            from tests.factories import UserFactory

            by = UserFactory(is_staff=True, is_superuser=True)
    request = RequestFactory().post("/admin/")
    request.user, request.session = by, {}
    request._messages = FallbackStorage(request)
    return request


def _model_admin(obj):
    return admin.site._registry[type(obj)]


def admin_save(obj, *, by=None, added: bool = False, via=None, fields=()):
    """Save `obj` as the admin's change form does, change log included. `added`: `obj` was
    just created (by a factory standing in for the add form): only its addition is logged.
    `via`: `obj` is edited inline on that parent object, whose change the admin logs."""
    request = _request(by)
    with transaction.atomic():
        if via is not None:
            obj.save()
            _model_admin(via).log_change(request, via, [{"changed": {"fields": list(fields)}}])
            return obj
        model_admin = _model_admin(obj)
        adding = added or obj._state.adding
        if not added:
            model_admin.save_model(request, obj, None, not adding)
            form = SimpleNamespace(instance=obj, cleaned_data={}, save_m2m=lambda: None)
            model_admin.save_related(request, form, [], not adding)
        if adding:
            model_admin.log_addition(request, obj, [{"added": {}}])
        else:
            model_admin.log_change(request, obj, [{"changed": {"fields": list(fields)}}])
    return obj


def admin_delete(obj, *, by=None, via=None) -> None:
    """Delete `obj` as the admin's delete view does (the deletion is logged, then made); with
    `via`, as an inline row removed from that parent's change form."""
    request = _request(by)
    with transaction.atomic():
        if via is not None:
            obj.delete()
            deleted = {"name": str(obj._meta.verbose_name), "object": str(obj)}
            _model_admin(via).log_change(request, via, [{"deleted": deleted}])
            return
        model_admin = _model_admin(obj)
        model_admin.log_deletions(request, type(obj)._default_manager.filter(pk=obj.pk))
        model_admin.delete_model(request, obj)
