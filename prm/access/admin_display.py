"""What the admin shows a channel manager who sees only some partners, beyond the rows
themselves (which `prm.access.admin_mixins.PartnerScopedAdminMixin` scopes).

Programme data that every manager edits (a library asset, a campaign) has related rows that
name partners and their people: shares, participations, bookmarks. Django's delete
confirmation lists every related row by name and the history page repeats the names saved
in change messages ("Added asset share “Guide → Beta Holdings”"). For a manager who does
not see every partner, `RelatedNamesInScopeMixin` lists only the objects being deleted (the
related rows are counted, not named) and hides object names in history messages.

`partner_label(partner_id, text)` is the same rule for one value shown next to programme
data (an application's referral link).
"""

import json

from django.utils.translation import gettext as _

from prm.access.scoping import sees_every_partner
from prm.audit.log import current_actor
from prm.tenancy import partners_for_staff


def sees_everyone(user) -> bool:
    return user is not None and (user.is_superuser or sees_every_partner(partners_for_staff(user)))


def sees_partner(user, partner_id) -> bool:
    if user is None:
        return False
    return sees_everyone(user) or partners_for_staff(user).filter(pk=partner_id).exists()


def partner_label(partner_id, text: str) -> str:
    """`text` when the staff member on this admin page sees the partner, else a neutral
    phrase (uses the actor `AuditedAdminMixin.changeform_view` sets for the request)."""
    if sees_partner(current_actor.get(), partner_id):
        return text
    return _("a partner outside your partners")


def _without_object_names(change_message: str) -> str:
    try:
        messages = json.loads(change_message or "[]")
    except ValueError:
        return change_message
    if not isinstance(messages, list):
        return change_message
    for message in messages:
        for part in message.values() if isinstance(message, dict) else ():
            if isinstance(part, dict) and "object" in part:
                part["object"] = _("not shown")
    return json.dumps(messages)


class RelatedNamesInScopeMixin:
    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if not sees_everyone(request.user):
            # Top-level entries are the objects themselves; the nested lists are their rows.
            deleted = [entry for entry in deleted if not isinstance(entry, list)]
        return deleted, model_count, perms_needed, protected

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        context = getattr(response, "context_data", None) or {}
        if "action_list" in context and not sees_everyone(request.user):
            for entry in context["action_list"]:
                entry.change_message = _without_object_names(entry.change_message)
        return response
