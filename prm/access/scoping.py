"""Narrowing a staff query to the partners a staff user may see, in the shape the planner
handles best at 10,000 partners.

`prm.tenancy.partners_for_staff(user)` is a queryset: every partner for support, superusers
and managers with the global permission, else a guardian sub-query. As `partner__in=visible`
it is a semi-join in every aggregate; the planner estimates the guardian sub-query at
thousands of rows and scans whole tables for a manager assigned to three partners, and for a
viewer who sees everyone it still joins every row to the partner table.
"""

# Above this many partners the ids stay a sub-query (a long literal list costs more to plan).
MAX_LISTED_IDS = 2000


def sees_every_partner(visible) -> bool:
    """True when `visible` is every partner (an unfiltered queryset)."""
    return not visible.query.has_filters()


def scoped(qs, visible, field: str = "partner"):
    """`qs` narrowed to `visible` partners through `field`: unchanged when the viewer sees
    every partner, a literal id list (read once) for a narrowed scope of up to
    MAX_LISTED_IDS partners, else the sub-query."""
    if sees_every_partner(visible):
        return qs
    ids = list(visible.order_by().values_list("pk", flat=True)[: MAX_LISTED_IDS + 1])
    if len(ids) <= MAX_LISTED_IDS:
        return qs.filter(**{f"{field}_id__in": ids})
    return qs.filter(**{f"{field}__in": visible})


def viewer_scope(user, visible) -> str:
    """What a staff page over `visible` partners may be shared by, for values that may lag:
    everyone who sees every partner ("all"), else this user alone."""
    return "all" if sees_every_partner(visible) else f"u{user.pk}"
