"""FilterSets for the content app's lists (django-filter: one way to filter a list)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from content import library, queries
from content import search as fts
from content.models import Asset, Stage


class LibraryFilterSet(django_filters.FilterSet):
    """The partner library: stage, kind, language, tag, collection (with its sub-collections),
    then full-text search and sort. An invalid value is dropped, the other filters still apply.
    `chosen` (a `content.library.Filters`) is what the template shows."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_none")
    stage = django_filters.ChoiceFilter(choices=Stage.choices, method="filter_stage")
    kind = django_filters.ChoiceFilter(choices=Asset.Kind.choices)
    language = django_filters.ChoiceFilter(choices=Asset.Language.choices)
    tag = django_filters.CharFilter(method="filter_tag")
    collection = django_filters.CharFilter(method="filter_collection")
    sort = django_filters.ChoiceFilter(choices=[(s, s) for s in library.SORTS], method="filter_none")

    class Meta:
        model = Asset
        fields = ["q", "stage", "kind", "language", "tag", "collection", "sort"]

    def __init__(self, data=None, *, queryset, collections_by_id):
        super().__init__(data, queryset=queryset)
        self.by_id = collections_by_id

    @property
    def chosen(self) -> library.Filters:
        if not hasattr(self, "_filters"):
            data = {}
            if self.is_bound:
                self.form.is_valid()  # invalid values are left out of cleaned_data
                data = self.form.cleaned_data
            f = library.Filters(
                q=(data.get("q") or "")[: fts.MAX_QUERY_LENGTH],
                stage=data.get("stage") or "",
                kind=data.get("kind") or "",
                language=data.get("language") or "",
                tag=(data.get("tag") or "")[:60],
                collection=self._collection_id(data.get("collection")),
            )
            f.sort = data.get("sort") or ("relevance" if f.q else "newest")
            if f.sort == "relevance" and not f.q:
                f.sort = "newest"
            self._filters = f
        return self._filters

    @property
    def qs(self):
        f = self.chosen
        if not f.language and not getattr(self, "_reader_versions", False):
            # No language chosen: each asset once, in the reader's language.
            self.queryset = queries.reader_versions(self.queryset)
            self._reader_versions = True
        qs = super().qs if self.is_bound else self.queryset.all()
        if f.q:
            qs = library.search(qs, f.q)
            if f.sort == "newest":
                qs = qs.order_by("-published_at", "-pk")
            elif f.sort == "popular":
                qs = qs.order_by("-use_count", "-published_at", "-pk")
            return qs
        if f.sort == "popular":
            return qs.order_by("-use_count", "-published_at", "-pk")
        return qs.order_by("-published_at", "-pk")

    def page_ids(self, start: int, stop: int) -> list[int]:
        """The ids of `qs[start:stop]`; a search by relevance ranks only what the window needs
        (content.library.search_page_ids)."""
        f = self.chosen
        if f.q and f.sort == "relevance":
            self.qs  # noqa: B018 - applies the reader-language rule to self.queryset
            base = super().qs if self.is_bound else self.queryset.all()
            return library.search_page_ids(base, f.q, start, stop)
        return list(self.qs.values_list("pk", flat=True)[start:stop])

    @staticmethod
    def _collection_id(value) -> int | None:
        try:
            return int(value or 0) or None
        except ValueError:
            return None

    def filter_none(self, qs, name, value):
        return qs  # search and sort come last (see qs)

    def filter_stage(self, qs, name, value):
        return qs.filter(stages__contains=[value])

    def filter_tag(self, qs, name, value):
        return qs.filter(tags__slug=value[:60])

    def filter_collection(self, qs, name, value):
        pk = self._collection_id(value)
        if pk and pk in self.by_id:
            return qs.filter(collection_id__in=library.descendant_ids(self.by_id[pk], self.by_id))
        return qs
