"""The admin's permission matrix, generated from the admin registry (docs/architecture.md section 3).

Every registered model x (changelist, add, change, delete, history and, for guardian
admins, the object-permission screens) x every role of the `world` fixture. A model
registered without a row in tests/prm/admin_rows.py fails `test_every_registered_model_has_a_row`.

Expectations come from prm/access/roles.py (which models a role may use) and the row's `owned`
flag (partner A's object: a 404 for a manager not assigned to A), never from the admin code.
"""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from prm.access.admin_mixins import PartnerScopedAdminMixin
from prm.access.roles import role_permissions
from prm.models import CHANNEL_MANAGERS, SUPPORT
from tests.prm.admin_rows import ROWS

LOGIN = "login"
ROLES = ("anon", "member_a", "admin_a", "admin_b", "manager_a", "manager_other", "support", "superuser")
GROUP_OF = {"manager_a": CHANNEL_MANAGERS, "manager_other": CHANNEL_MANAGERS, "support": SUPPORT}
VIEWS = ("changelist", "add", "change", "delete", "history")
NEEDS = {
    "changelist": ("view", "change"),
    "add": ("add",),
    "change": ("view", "change"),
    "delete": ("delete",),
    "history": ("view", "change"),
}


def registry_labels() -> set[str]:
    return {model._meta.label_lower for model in admin.site._registry}


def test_every_registered_model_has_a_row():
    missing = sorted(registry_labels() - set(ROWS))
    assert not missing, f"Admin models without a row in tests/prm/admin_rows.py: {missing}"
    unknown = sorted(set(ROWS) - registry_labels())
    assert not unknown, f"Rows for models that are not registered: {unknown}"


def test_partner_owned_models_use_the_scoping_mixin():
    for model, model_admin in admin.site._registry.items():
        row = ROWS[model._meta.label_lower]
        if row.owned and model._meta.app_label not in {"prm"}:
            assert isinstance(model_admin, PartnerScopedAdminMixin), model._meta.label


def superuser_allows(model_admin, view, obj, superuser) -> bool:
    request = RequestFactory().get("/admin/")
    request.user = superuser
    if view == "add":
        return model_admin.has_add_permission(request)
    if view == "delete":
        return model_admin.has_delete_permission(request, obj)
    return model_admin.has_view_or_change_permission(request, None if view == "changelist" else obj)


def expected(role, view, label, model_admin, obj, world):
    if role in ("anon", "member_a", "admin_a", "admin_b"):
        return LOGIN  # the admin is for vendor staff only
    if view == "permissions":
        return 200 if role == "superuser" else 403
    allowed = superuser_allows(model_admin, view, obj, world.superuser)
    if role == "superuser":
        return 200 if allowed else 403
    if ROWS[label].owned and role == "manager_other" and view in ("change", "delete", "history"):
        return 404
    app_label, model = label.split(".")
    perms = role_permissions(GROUP_OF[role])
    has = any((app_label, f"{action}_{model}") in perms for action in NEEDS[view])
    return 200 if (allowed and has) else 403


@pytest.mark.parametrize("label", sorted(ROWS))
def test_admin_matrix(label, world, client_for):
    from django.apps import apps

    model = apps.get_model(label)
    model_admin = admin.site._registry[model]
    obj = ROWS[label].make(world)
    app_label, model_name = label.split(".")
    urls = {
        "changelist": reverse(f"admin:{app_label}_{model_name}_changelist"),
        "add": reverse(f"admin:{app_label}_{model_name}_add"),
        "change": reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk]),
        "delete": reverse(f"admin:{app_label}_{model_name}_delete", args=[obj.pk]),
        "history": reverse(f"admin:{app_label}_{model_name}_history", args=[obj.pk]),
    }
    if hasattr(model_admin, "obj_perms_manage_view"):
        urls["permissions"] = reverse(f"admin:{app_label}_{model_name}_permissions", args=[obj.pk])
        urls["permissions_user"] = reverse(
            f"admin:{app_label}_{model_name}_permissions_manage_user", args=[obj.pk, world.manager_a.pk]
        )
    wrong = []
    for role in ROLES:
        client = client_for(world.user(role) if role != "superuser" else world.superuser)
        for view, url in urls.items():
            kind = "permissions" if view.startswith("permissions") else view
            want = expected(role, kind, label, model_admin, obj, world)
            response = client.get(url)
            got = response.status_code
            if want == LOGIN:
                ok = got == 302 and reverse("admin:login") in response["Location"]
            else:
                ok = got == want
            if not ok:
                wrong.append(f"{role} {view} {url}: got {got}, want {want}")
            elif got == 200 and role in ("manager_other", "admin_b"):
                assert world.SECRET_A not in response.getvalue().decode(), f"{role} sees partner A at {url}"
    assert not wrong, "\n".join(wrong)
