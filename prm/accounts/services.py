"""Writes to a person's profile, audited (the audit bumps the caches that show the name)."""

from django.db import transaction

from prm.audit.log import audit
from prm.models import User

# Names are shown in the portal, on certificates and in e-mails: one line of ordinary text.
NAME_MAX_LENGTH = User._meta.get_field("display_name").max_length


def clean_name(name: str) -> str:
    """One line, single spaces, within the field's length (an IdP may send anything)."""
    printable = "".join(ch if ch.isprintable() else " " for ch in name or "")
    return " ".join(printable.split())[:NAME_MAX_LENGTH]


@transaction.atomic
def profile_update(*, user: User, display_name: str, language: str) -> bool:
    """Save the person's name and e-mail language; False when nothing changed."""
    wanted = {"display_name": clean_name(display_name), "language": language}
    changes = {
        field: [getattr(user, field), value]
        for field, value in wanted.items()
        if getattr(user, field) != value
    }
    if not changes:
        return False
    for field, (_old, new) in changes.items():
        setattr(user, field, new)
    user.save(update_fields=list(changes))
    audit(actor=user, action="account.profile_updated", target=user, changes=changes)
    return True


@transaction.atomic
def name_from_identity_provider(*, user: User, name: str) -> bool:
    """An account without a name takes the one its identity provider asserts (a name the
    person chose is never overwritten)."""
    name = clean_name(name)
    if not name or "@" in name or user.display_name.strip():  # an address is no name
        return False
    user.display_name = name
    user.save(update_fields=["display_name"])
    audit(actor=user, action="account.name_from_idp", target=user)
    return True
