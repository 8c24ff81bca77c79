from django.urls import path

from threads import staff_views, views

app_name = "threads"

urlpatterns = [
    path("questions/", views.thread_list, name="list"),
    path("questions/new/", views.thread_new, name="new"),
    path("questions/read/", views.mark_all_read, name="mark_all_read"),
    path("questions/<int:pk>/", views.thread_detail, name="detail"),
    path("questions/<int:pk>/status/", views.thread_status, name="status"),
    path("questions/attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("staff/questions/", staff_views.inbox, name="inbox"),
    path("staff/questions/metrics/", staff_views.metrics, name="metrics"),
    path("staff/partners/<int:partner_pk>/message/", staff_views.staff_new, name="staff_new"),
    path("staff/questions/<int:pk>/", staff_views.staff_detail, name="staff_detail"),
    path("staff/questions/<int:pk>/assign/", staff_views.staff_assign, name="staff_assign"),
    path("staff/questions/<int:pk>/status/", staff_views.staff_status, name="staff_status"),
    path("staff/questions/<int:pk>/knowledge/", staff_views.staff_knowledge, name="staff_knowledge"),
    path("staff/questions/attachments/<int:pk>/", staff_views.staff_attachment, name="staff_attachment"),
]
