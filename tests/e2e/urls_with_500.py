"""The project's URLs plus one that fails, so that the 500 page is checked in the browser."""

from django.urls import path

from prm.urls import handler403, handler404, handler500
from prm.urls import urlpatterns as project_urlpatterns


def fail(request):
    raise RuntimeError("the accessibility test's deliberate server error")


urlpatterns = [path("__a11y_500__/", fail), *project_urlpatterns]
__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
