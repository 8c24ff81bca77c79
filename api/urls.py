"""/api/v1/ (namespace "api"): the REST API, its OpenAPI schema and Swagger UI."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.routers import SimpleRouter

from api import docs, views

app_name = "api"

router = SimpleRouter()
# Catalogue (any side)
router.register("products", views.ProductViewSet, basename="product")
router.register("tiers", views.TierViewSet, basename="tier")
# Partner side
router.register("deals", views.DealViewSet, basename="deal")
router.register("tier/changes", views.TierChangeViewSet, basename="tier-change")
router.register("earnings", views.EarningViewSet, basename="earning")
router.register("statements", views.StatementViewSet, basename="statement")
router.register("certifications", views.CertificationViewSet, basename="certification")
router.register("content", views.AssetViewSet, basename="content")
router.register("questions", views.QuestionViewSet, basename="question")
router.register("funds", views.FundViewSet, basename="fund")
router.register("funds/requests", views.FundRequestViewSet, basename="fund-request")
# Vendor side
router.register("vendor/partners", views.VendorPartnerViewSet, basename="vendor-partner")
router.register("vendor/applications", views.VendorApplicationViewSet, basename="vendor-application")
router.register("vendor/deals", views.VendorDealViewSet, basename="vendor-deal")
router.register("vendor/tier-changes", views.VendorTierChangeViewSet, basename="vendor-tier-change")
router.register("vendor/programs", views.VendorProgramViewSet, basename="vendor-program")
router.register("vendor/campaigns", views.VendorCampaignViewSet, basename="vendor-campaign")
router.register("vendor/fund-requests", views.VendorFundRequestViewSet, basename="vendor-fund-request")

urlpatterns = [
    path("schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    path("docs/", docs.SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("me/", views.MeViewSet.as_view({"get": "retrieve"}), name="me"),
    path("tier/", views.TierStateViewSet.as_view({"get": "retrieve"}), name="tier-state"),
    path("onboarding/", views.OnboardingViewSet.as_view({"get": "retrieve"}), name="onboarding"),
    path(
        "onboarding/tasks/<int:task_pk>/submissions/",
        views.OnboardingViewSet.as_view({"post": "submit"}),
        name="onboarding-submission",
    ),
    path("content/download/<str:signed>/", views.content_download, name="content-download"),
    *router.urls,
    re_path(r"^[\s\S]*$", views.not_found),  # any other path, even with a newline in it
]
