from django.core.paginator import Paginator
from django.utils.functional import cached_property

DEFAULT_PER_PAGE = 25


def paginate(request, queryset, per_page: int = DEFAULT_PER_PAGE):
    """The requested page of `queryset`; a bad or out-of-range page number gives the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


class CappedPaginator(Paginator):
    """A paginator that counts at most `cap` rows (`SELECT count(*) FROM (... LIMIT cap + 1)`):
    a review queue of 100,000 rows is not counted on every page view. `capped` is True when
    there are more rows than that; the last reachable page is the cap's."""

    def __init__(self, *args, cap: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        n = self.object_list[: self.cap + 1].count()
        self.capped = n > self.cap
        return min(n, self.cap)

    capped = False


def paginate_capped(request, queryset, per_page: int = DEFAULT_PER_PAGE, cap: int = 1000):
    """`paginate` for long staff queues: counts up to `cap` rows, and the pagination partial
    says "more than" when there are more (sort or filter to reach the rest)."""
    return CappedPaginator(queryset, per_page, cap=cap).get_page(request.GET.get("page"))


class CountedPaginator(Paginator):
    """A paginator told its count (one the caller cached or counted more cheaply)."""

    def __init__(self, *args, count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.__dict__["count"] = count  # the cached_property's slot


def paginate_counted(request, queryset, *, count: int, per_page: int = DEFAULT_PER_PAGE):
    return CountedPaginator(queryset, per_page, count=count).get_page(request.GET.get("page"))
