from django.core.paginator import Paginator

DEFAULT_PER_PAGE = 25


def paginate(request, queryset, per_page: int = DEFAULT_PER_PAGE):
    """The requested page of `queryset`; a bad or out-of-range page number gives the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
