from django.urls import path

from leads import staff_views, views

app_name = "leads"

urlpatterns = [
    path("leads/", views.index, name="index"),
    path("leads/<int:pk>/", views.detail, name="detail"),
    path("leads/<int:pk>/accept/", views.accept, name="accept"),
    path("leads/<int:pk>/decline/", views.decline, name="decline"),
    path("leads/<int:pk>/assign/", views.assign, name="assign"),
    path("leads/<int:pk>/status/", views.status, name="status"),
    path("leads/<int:pk>/note/", views.note, name="note"),
    path("leads/<int:pk>/convert/", views.convert, name="convert"),
    path("staff/leads/", staff_views.staff_leads, name="staff_leads"),
    path("staff/leads/new/", staff_views.staff_create, name="staff_create"),
    path("staff/leads/<int:pk>/", staff_views.staff_detail, name="staff_detail"),
    path("staff/leads/<int:pk>/offer/", staff_views.staff_offer, name="staff_offer"),
]
