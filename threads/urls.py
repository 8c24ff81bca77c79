from django.urls import path

from threads import views

app_name = "threads"

urlpatterns = [
    path("questions/", views.thread_list, name="list"),
    path("questions/new/", views.thread_new, name="new"),
    path("questions/read/", views.mark_all_read, name="mark_all_read"),
    path("questions/<int:pk>/", views.thread_detail, name="detail"),
    path("questions/<int:pk>/status/", views.thread_status, name="status"),
    path("questions/attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("staff/questions/", views.inbox, name="inbox"),
    path("staff/questions/metrics/", views.metrics, name="metrics"),
    path("staff/partners/<int:partner_pk>/message/", views.staff_new, name="staff_new"),
    path("staff/questions/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/questions/<int:pk>/assign/", views.staff_assign, name="staff_assign"),
    path("staff/questions/<int:pk>/status/", views.staff_status, name="staff_status"),
    path("staff/questions/<int:pk>/knowledge/", views.staff_knowledge, name="staff_knowledge"),
    path("staff/questions/attachments/<int:pk>/", views.staff_attachment, name="staff_attachment"),
]
