"""The product URLs plus the framework's ceiling: one indexed query, a tiny template."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from prm.urls import handler403, handler404, handler500  # noqa: F401
from prm.urls import urlpatterns as product_urls

_TEMPLATE = engines["django"].from_string("<!DOCTYPE html><title>bare</title><p>{{ user.email }}</p>")


def bare(request):
    """What any page costs at least: middleware, session, the user (one indexed query), a render."""
    return HttpResponse(_TEMPLATE.render({"user": request.user}))


urlpatterns = [path("bench/bare/", bare), *product_urls]
