"""Reads of the privacy app, shared by views, tasks and e-mails."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Replace

from privacy import registry
from privacy.models import DataRequest, PartnerExport, ProvisionRecord
from prm.access.scoping import scoped, sees_every_partner
from prm.models import CHANNEL_MANAGERS
from prm.tenancy import managers_assigned_to, partners_for_staff


def naming_person(rows: QuerySet, *, email: str, name: str) -> QuerySet:
    """The rows whose customer contact is the person: the same e-mail (any case), or a
    `contact_name` containing the name with spaces (half- and full-width) ignored. None when
    neither is given. What the apps' subject finders search (deals, leads)."""
    key = name.replace(" ", "").replace("\u3000", "").strip()
    match = Q()
    if email:
        match |= Q(contact_email__iexact=email)
    if key:
        match |= Q(name_key__icontains=key)
    if not match:
        return rows.none()
    spaced = Replace(Replace("contact_name", Value(" "), Value("")), Value("\u3000"), Value(""))
    return rows.annotate(name_key=spaced).filter(match, contacts_anonymised_at__isnull=True)


def visible_partner_ids(user) -> list[int] | None:
    """The ids of the partners a staff user sees (None: every partner)."""
    visible = partners_for_staff(user)
    return None if sees_every_partner(visible) else list(visible.values_list("pk", flat=True))


def provisions_for_staff(user):
    return scoped(ProvisionRecord.objects.all(), partners_for_staff(user))


def requests_for_staff(user):
    """Requests about data that came through the user's partners, and requests not tied to
    a partner (they are the vendor's to answer, whoever handles them)."""
    ids = visible_partner_ids(user)
    qs = DataRequest.objects.select_related("assignee", "partner")
    return qs if ids is None else qs.filter(Q(partner__isnull=True) | Q(partner_id__in=ids))


def exports_for_staff(user):
    return scoped(PartnerExport.objects.select_related("partner", "requested_by"), partners_for_staff(user))


def export_row_count(partner) -> int:
    return sum(section.count(partner) for section in registry.export_sections())


def found_about(request: DataRequest, user, *, only: str | None = None) -> list[dict]:
    """What the portal holds about the person, in the user's scope, per finder:
    [{"key", "label", "erasable", "rows": [Found]}] (`only`: that finder's)."""
    ids = visible_partner_ids(user)
    out = []
    for finder in registry.subject_finders():
        if only is not None and finder.key != only:
            continue
        rows = finder.find(
            email=request.subject_email.strip(), name=request.subject_name.strip(), partner_ids=ids
        )
        out.append(
            {"key": finder.key, "label": finder.label, "erasable": finder.erase is not None, "rows": rows}
        )
    return out


def managers_for_partner(partner=None):
    """Active channel managers who see every partner, and those assigned to `partner`."""
    who = Q(user_permissions__codename="manage_partner") | Q(groups__permissions__codename="manage_partner")
    if partner is not None:
        assigned = managers_assigned_to(partner)
        who |= Q(pk__in=assigned.values("pk"))
    return list(
        get_user_model()
        .objects.filter(who, is_active=True, is_staff=True, groups__name=CHANNEL_MANAGERS)
        .distinct()
    )


def handlers_for(request: DataRequest):
    """Who hears about a request: its handler, else the channel managers who see its partner
    (who see every partner when it names none)."""
    assignee = request.assignee if request.assignee_id else None
    if assignee is not None and assignee.is_active:
        return [assignee]
    return managers_for_partner(request.partner)
