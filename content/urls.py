from django.urls import path

from content import views

app_name = "content"

urlpatterns = [
    path("content/", views.index, name="index"),
]
