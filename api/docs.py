"""The API reference in the browser: Swagger UI from drf-spectacular-sidecar's static files
(no CDN), in our own page (language, landmarks, no inline script or style: its set-up script
is served as a file of its own, so the strict Content-Security-Policy holds)."""

from drf_spectacular.views import SpectacularSwaggerSplitView


class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "api/docs.html"
    title = "Partner Portal API"
