from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from prm import views

admin.site.site_header = _("Partner portal administration")
admin.site.site_title = _("Partner portal")
admin.site.index_title = _("Channel management")

urlpatterns = [
    path("", views.home, name="home"),
    path("staff/", views.staff_home, name="staff_home"),
    path("healthz", views.healthz, name="healthz"),
    path("lang/", views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("partners.urls")),
    path("", include("onboarding.urls")),
    path("", include("content.urls")),
    path("", include("incentives.urls")),
    path("", include("promotion.urls")),
    path("", include("threads.urls")),
]

handler404 = "prm.views.error_404"
handler403 = "prm.views.error_403"
handler500 = "prm.views.error_500"

if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
    # Logos are the only public uploads: served from their folder (cacheable, no listing)
    # so that they work in production without a separate /media/ server. Everything else
    # is private (prm.storage) and only ever served through access-checked views.
    from django.urls import re_path

    from prm.files import public_logo

    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.strip('/')}/partners/logos/(?P<path>[^/]+)$", public_logo)
    ]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
