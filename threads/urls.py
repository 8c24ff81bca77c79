from django.urls import path

from threads import views

app_name = "threads"

urlpatterns = [
    path("questions/", views.thread_list, name="list"),
]
