"""The partner library: filtering, search and sorting of the visible assets."""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchRank
from django.db.models import Case, F, FloatField, Subquery, Value, When

from content import search as fts
from content.models import Collection, Tag

SORTS = ("relevance", "newest", "popular")


RANK_CANDIDATES = 300


def search(queryset, text: str):
    """Assets matching `text`, best match first (nothing matches an empty query)."""
    parsed = fts.parse_query(text)
    query, recheck = fts.search_filter(parsed)
    if query is None:
        # Only one-character Japanese terms: a substring match is all we can do.
        if parsed.is_empty:
            return queryset.none()
        return queryset.filter(recheck).order_by("-published_at", "-pk")
    matches = queryset.filter(search_vector=query).filter(recheck)
    rank = SearchRank(F("search_vector"), query)
    # ts_rank reads each match's whole vector: a common English word matches thousands of
    # assets (~30 ms to rank 6,700 of them at 20,000). Only the newest RANK_CANDIDATES matches
    # (a sub-query on the index and the date) are ranked; older matches follow them, newest
    # first. Every match stays in the list and in the count.
    newest = matches.order_by("-published_at", "-pk").values("pk")[:RANK_CANDIDATES]
    rank = Case(When(pk__in=Subquery(newest), then=rank), default=Value(-1.0), output_field=FloatField())
    return matches.annotate(rank=rank).order_by("-rank", "-published_at", "-pk")


def search_page_ids(queryset, text: str, start: int, stop: int) -> list[int]:
    """The ids of `search(queryset, text)[start:stop]`, without ranking every match.

    In that order the newest RANK_CANDIDATES matches come first (ranked), then the other
    matches newest first, so a window within the candidates ranks only them (~300 rows,
    read newest first from the date index) and a window past them is a plain newest-first
    slice: neither reads the thousands of matches a common word has."""
    parsed = fts.parse_query(text)
    query, recheck = fts.search_filter(parsed)
    if query is None:
        return list(search(queryset, text).values_list("pk", flat=True)[start:stop])
    newest = queryset.filter(search_vector=query).filter(recheck).order_by("-published_at", "-pk")
    n = RANK_CANDIDATES
    ids = []
    if start < n:
        # One query reads the candidates newest first and ranks those rows only; they are
        # sorted here as the database would (a `pk IN (candidates)` sub-query led the planner
        # to rank every asset; DESC puts a null date first).
        candidates = newest.annotate(rank=SearchRank(F("search_vector"), query)).values_list(
            "pk", "rank", "published_at"
        )[:n]
        ranked = sorted(
            candidates,
            key=lambda row: (row[1], row[2] is None, row[2] and row[2].timestamp(), row[0]),
            reverse=True,
        )
        ids += [pk for pk, _rank, _published in ranked[start : min(stop, n)]]
    if stop > n:
        ids += list(newest.values_list("pk", flat=True)[max(start, n) : stop])
    return ids


def collection_tree():
    """All collections in one query, as (roots, by_id) with `.kids` and `.depth` set."""
    collections = list(Collection.objects.all())
    by_id = {c.pk: c for c in collections}
    for c in collections:
        c.kids = []
    roots = []
    for c in collections:
        parent = by_id.get(c.parent_id)
        (parent.kids if parent else roots).append(c)

    def walk(nodes, depth):
        for node in nodes:
            node.depth = depth
            walk(node.kids, depth + 1)

    walk(roots, 0)
    return roots, by_id


def descendant_ids(collection, by_id) -> list[int]:
    ids, stack = [], [by_id[collection.pk]]
    while stack:
        node = stack.pop()
        ids.append(node.pk)
        stack.extend(node.kids)
    return ids


def flatten(nodes):
    for node in nodes:
        yield node
        yield from flatten(node.kids)


@dataclass
class Filters:
    """The library filters in effect (content.filters.LibraryFilterSet.chosen), for the template."""

    q: str = ""
    stage: str = ""
    kind: str = ""
    language: str = ""
    tag: str = ""
    collection: int | None = None
    sort: str = "newest"

    @property
    def active(self) -> bool:
        return bool(self.q or self.stage or self.kind or self.language or self.tag or self.collection)


def popular_tags(limit: int = 30):
    return Tag.objects.order_by("name")[:limit]
