from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from prm import views
from prm.accounts import views as account_views
from prm.admin import harden_third_party_admins
from prm.audit import views as audit_views
from prm.exports import views as export_views
from prm.notifications import views as notification_views

admin.site.site_header = _("Partner portal administration")
admin.site.site_title = _("Partner portal")
admin.site.index_title = _("Channel management")
harden_third_party_admins()

urlpatterns = [
    path("", views.home, name="home"),
    # The channel dashboard (dashboard app) serves /staff/; `staff_home` names the same address.
    path("", include("dashboard.urls")),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/audit/", audit_views.audit_list, name="staff_audit"),
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
    path("readyz", views.readyz, name="readyz"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/bell/", notification_views.notification_bell, name="notification_bell"),
    path("notifications/<int:pk>/read/", notification_views.notification_read, name="notification_read"),
    path("notifications/read-all/", notification_views.notification_read_all, name="notification_read_all"),
    path(
        "notifications/preferences/",
        notification_views.notification_preferences,
        name="notification_preferences",
    ),
    path("lang/", views.set_language, name="set_language"),
    path("exports/<int:pk>/", export_views.export_job, name="export_job"),
    path("exports/<int:pk>/status/", export_views.export_job_status, name="export_job_status"),
    path("exports/<int:pk>/download/", export_views.export_job_download, name="export_job_download"),
    path("admin/", admin.site.urls),
    path("accounts/profile/", account_views.profile, name="profile"),
    path("accounts/", include("allauth.urls")),
    path("accounts/sso/", include("sso.urls")),
    path("", include("partners.urls")),
    path("", include("onboarding.urls")),
    path("", include("training.urls")),
    path("", include("content.urls")),
    path("", include("incentives.urls")),
    path("", include("payouts.urls")),
    path("", include("privacy.urls")),
    path("", include("promotion.urls")),
    path("", include("funds.urls")),
    path("", include("plans.urls")),
    path("", include("marketplace.urls")),
    path("", include("threads.urls")),
    path("", include("leads.urls")),
    path("", include("imports.urls")),
    path("api/v1/", include("api.urls")),
    path("", include("api.portal_urls")),
]

handler404 = "prm.views.error_404"
handler403 = "prm.views.error_403"
handler500 = "prm.views.error_500"

if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
    # Logos are the only public uploads: served from their folder (cacheable, no listing)
    # so that they work in production without a separate /media/ server. Everything else
    # is private (prm.files.storage) and only ever served through access-checked views.
    from django.urls import re_path

    from prm.files.serving import public_logo

    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.strip('/')}/partners/logos/(?P<path>[^/]+)$", public_logo)
    ]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
