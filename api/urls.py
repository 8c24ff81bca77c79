"""/api/v1/: the REST API (namespace "api"), its OpenAPI schema and Swagger UI."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.routers import SimpleRouter

from api import docs, views

app_name = "api"

router = SimpleRouter()

urlpatterns = [
    path("schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    path("docs/", docs.SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("me/", views.MeViewSet.as_view({"get": "retrieve"}), name="me"),
    *router.urls,
    re_path(r"^.*$", views.not_found),
]
